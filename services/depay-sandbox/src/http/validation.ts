import { compare, fractionDigits, isJsonObject, JsonNumber, parseDecimal, toPlainString, type RequestBody } from "@riel/sandbox-kit";
import { z } from "zod";

// Request validation that answers the way the provider (NestJS with
// class-validator) does: one "<field path> <rule>" message per broken rule.
// Schemas carry only the rule text; validateBody prefixes the field path.

const absent = (input: unknown): boolean => input === undefined || input === null;

export function requiredString(options: { max?: number } = {}) {
  const base = z
    .string({ error: (issue) => (absent(issue.input) ? "should not be empty" : "must be a string") })
    .min(1, { error: "should not be empty", abort: true });
  const { max } = options;
  return max === undefined ? base : base.max(max, { error: `must be shorter than or equal to ${max} characters` });
}

/** An object field (or the whole body): refuses numbers, arrays and strings before looking inside. */
export function jsonObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z
    .custom<Record<string, unknown>>((value) => isJsonObject(value), {
      error: (issue) => (absent(issue.input) ? "should not be empty" : "must be an object"),
      abort: true,
    })
    .pipe(z.object(shape));
}

export const AMOUNT_MAX_DECIMALS = 2;
const ZERO = { units: 0n, scale: 0 };
const NOT_A_NUMBER = "must be a number conforming to the specified constraints";

/**
 * A JSON number (not a string) > 0 with at most `maxDecimals` decimals (two,
 * centavos, unless given), as a normalised decimal string. `null` leaves
 * the decimals to the caller, for amounts whose currency is only known once
 * the order is found (PUT amount).
 */
export function positiveAmount(maxDecimals: number | null = AMOUNT_MAX_DECIMALS) {
  return z
    .custom<JsonNumber>((value) => value instanceof JsonNumber, {
      error: (issue) => (absent(issue.input) ? "should not be empty" : NOT_A_NUMBER),
      abort: true,
    })
    .transform((value, ctx) => {
      const decimal = parseDecimal(value.text);
      if (decimal === undefined) {
        ctx.addIssue({ code: "custom", message: NOT_A_NUMBER });
        return z.NEVER;
      }
      if (compare(decimal, ZERO) <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a positive number" });
        return z.NEVER;
      }
      if (maxDecimals !== null && fractionDigits(decimal) > maxDecimals) {
        ctx.addIssue({ code: "custom", message: `must not have more than ${maxDecimals} decimal places` });
        return z.NEVER;
      }
      return toPlainString(decimal);
    });
}

export function isHttpUrl(text: string): boolean {
  // Whitespace or control characters could not be sent as a request target unchanged.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return false;
  if (!/^https?:\/\/[^/?#]/i.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export function httpUrl(options: { max: number }) {
  return requiredString(options).refine(isHttpUrl, { error: "must be a URL address" });
}

const ISO_4217: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code that the sandbox can also convert into (see fx-rates). */
export function currencyCode(supported: readonly string[]) {
  return requiredString().superRefine((code, ctx) => {
    if (!/^[A-Z]{3}$/.test(code) || !ISO_4217.has(code)) {
      ctx.addIssue({ code: "custom", message: "must be a valid ISO4217 currency code" });
    } else if (!supported.includes(code)) {
      ctx.addIssue({ code: "custom", message: `must be one of the following values: ${supported.join(", ")}` });
    }
  });
}

/** One of a fixed list of strings, class-validator's IsIn message. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (absent(issue.input) ? "should not be empty" : `must be one of the following values: ${values.join(", ")}`),
  });
}

const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** An optional ISO 3166-1 alpha-2 code (either case, as class-validator takes it), upper-cased; undefined when absent. */
export function optionalCountryCode() {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (absent(value)) return undefined;
      const code = typeof value === "string" ? value.toUpperCase() : "";
      if (!/^[A-Z]{2}$/.test(code) || REGION_NAMES.of(code) === undefined) {
        ctx.addIssue({ code: "custom", message: "must be a valid ISO31661 Alpha2 code" });
        return z.NEVER;
      }
      return code;
    })
    .optional();
}

/** The fields of the payer as every preview request carries it (Depay's `user`); a flow may add its own. */
export function userFields(currencies: readonly string[]) {
  return {
    full_name: requiredString(),
    currency: currencyCode(currencies),
    account_number: requiredString(),
    tax_id: requiredString({ max: 50 }),
  };
}

export function userSchema(currencies: readonly string[]) {
  return jsonObject(userFields(currencies));
}

export type Validation<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly messages: string[] };

export function validateBody<S extends z.ZodType>(schema: S, body: RequestBody): Validation<z.output<S>> {
  if (!body.parsed.ok) return { ok: false, messages: ["body must be a JSON object"] };
  const result = schema.safeParse(body.parsed.value);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    messages: result.error.issues.map((issue) => `${issue.path.length === 0 ? "body" : issue.path.join(".")} ${issue.message}`),
  };
}
