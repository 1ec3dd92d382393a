import { compare, fractionDigits, isJsonObject, JsonNumber, parseDecimal, toPlainString, type JsonObject, type JsonValue, type ParseJsonResult } from "@riel/sandbox-kit";
import { isLegalDocType, LEGAL_DOC_TYPES, legalDocProblem, type LegalDocType } from "../customer/legal-doc.js";

// The pay-in request as tumipay-payin-peru.txt documents it, checked field by
// field. Every broken rule is reported as {field, message}, field paths dotted
// (customer_data.legal_doc); the answer's `message` is the first one.
// Unknown fields are ignored.

export const PAYMENT_METHODS = ["BANK_TRANSFER", "QR", "PAGOEFECTIVO", "ALL_METHODS", "CARD"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const REFERENCE_MAX_LENGTH = 64;
export const DESCRIPTION_MAX_LENGTH = 200;
export const URL_MAX_LENGTH = 2048;
export const DEFAULT_EXPIRATION_MINUTES = 720;
/** One week: the sandbox's ceiling for expiration_time (the document gives none). */
export const MAX_EXPIRATION_MINUTES = 10_080;
export const AMOUNT_MAX_DECIMALS = 2;

export interface CustomerData {
  readonly legalDoc: string;
  readonly legalDocType: LegalDocType;
  readonly phoneCode: string;
  readonly phoneNumber: string;
  readonly email: string;
  readonly fullName: string;
}

export interface PayinRequest {
  readonly reference: string;
  /** The amount exactly as written in the request (`1.50`), echoed back as a JSON number. */
  readonly amountText: string;
  /** The same amount as a normalised decimal string (`1.5`), for comparisons; never a float. */
  readonly amount: string;
  readonly currency: "PEN";
  readonly country: "PE";
  readonly paymentMethod: PaymentMethod;
  readonly ipnUrl: string;
  readonly redirectUrl: string;
  readonly customer: CustomerData;
  readonly description: string | null;
  readonly expirationMinutes: number;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export type PayinValidation = { readonly ok: true; readonly request: PayinRequest } | { readonly ok: false; readonly errors: readonly FieldError[] };

const ZERO = { units: 0n, scale: 0 };

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

const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\]+$/;

/** Validates a parsed body; `parsed` as read losslessly by the kit's readBody(). */
export function validatePayin(parsed: ParseJsonResult): PayinValidation {
  if (!parsed.ok || !isJsonObject(parsed.value)) return { ok: false, errors: [{ field: "body", message: "must be a JSON object" }] };
  const body = parsed.value;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };

  const string = (source: JsonObject, field: string, path: string, options: { min?: number; max: number }): string | undefined => {
    const value = source[field];
    if (value === undefined || value === null) return fail(path, "is required");
    if (typeof value !== "string") return fail(path, "must be a string");
    const min = options.min ?? 1;
    if (value.length < min) return fail(path, min === 1 ? "must not be empty" : `must be at least ${min} characters`);
    if (value.length > options.max) return fail(path, `must be at most ${options.max} characters`);
    return value;
  };
  const oneOf = <T extends string>(source: JsonObject, field: string, path: string, allowed: readonly T[]): T | undefined => {
    const value = string(source, field, path, { max: 64 });
    if (value === undefined) return undefined;
    const found = allowed.find((candidate) => candidate === value);
    return found ?? fail(path, allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of ${allowed.join(", ")}`);
  };
  const url = (field: string): string | undefined => {
    const value = string(body, field, field, { max: URL_MAX_LENGTH });
    if (value === undefined) return undefined;
    return isHttpUrl(value) ? value : fail(field, "must be an absolute http(s) URL");
  };
  const digits = (source: JsonObject, field: string, path: string, min: number, max: number): string | undefined => {
    const value = string(source, field, path, { max: 64 });
    if (value === undefined) return undefined;
    return new RegExp(`^\\d{${min},${max}}$`).test(value) ? value : fail(path, `must be ${min} to ${max} digits`);
  };

  const reference = string(body, "reference", "reference", { max: REFERENCE_MAX_LENGTH });
  const amount = readAmount(body.amount, fail);
  const currency = oneOf(body, "currency", "currency", ["PEN"] as const);
  const country = oneOf(body, "country", "country", ["PE"] as const);
  const paymentMethod = oneOf(body, "payment_method", "payment_method", PAYMENT_METHODS);
  const ipnUrl = url("ipn_url");
  const redirectUrl = url("redirect_url");
  const customer = readCustomer(body.customer_data);
  const description = body.description === undefined || body.description === null ? null : string(body, "description", "description", { min: 0, max: DESCRIPTION_MAX_LENGTH });
  const expirationMinutes = readExpiration(body.expiration_time, fail);

  function readCustomer(value: JsonValue | undefined): CustomerData | undefined {
    if (value === undefined || value === null) return fail("customer_data", "is required");
    if (!isJsonObject(value)) return fail("customer_data", "must be an object");
    const legalDoc = string(value, "legal_doc", "customer_data.legal_doc", { max: 64 });
    const legalDocType = oneOf(value, "legal_doc_type", "customer_data.legal_doc_type", LEGAL_DOC_TYPES);
    if (legalDoc !== undefined && legalDocType !== undefined && isLegalDocType(legalDocType)) {
      const problem = legalDocProblem(legalDocType, legalDoc);
      if (problem !== undefined) fail("customer_data.legal_doc", problem);
    }
    const phoneCode = digits(value, "phone_code", "customer_data.phone_code", 1, 3);
    const phoneNumber = digits(value, "phone_number", "customer_data.phone_number", 6, 15);
    let email = string(value, "email", "customer_data.email", { max: 254 });
    if (email !== undefined && !EMAIL.test(email)) email = fail("customer_data.email", "must be an email address");
    const fullName = string(value, "full_name", "customer_data.full_name", { max: 255 });
    if (legalDoc === undefined || legalDocType === undefined || phoneCode === undefined || phoneNumber === undefined || email === undefined || fullName === undefined) {
      return undefined;
    }
    return { legalDoc, legalDocType, phoneCode, phoneNumber, email, fullName };
  }

  if (
    errors.length > 0 ||
    reference === undefined ||
    amount === undefined ||
    currency === undefined ||
    country === undefined ||
    paymentMethod === undefined ||
    ipnUrl === undefined ||
    redirectUrl === undefined ||
    customer === undefined ||
    description === undefined ||
    expirationMinutes === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    request: { reference, amountText: amount.text, amount: amount.plain, currency, country, paymentMethod, ipnUrl, redirectUrl, customer, description, expirationMinutes },
  };
}

function readAmount(value: JsonValue | undefined, fail: (field: string, message: string) => undefined): { text: string; plain: string } | undefined {
  if (value === undefined || value === null) return fail("amount", "is required");
  // A JSON number, as documented ("float"); a string such as "1.50" is refused rather than guessed at.
  if (!(value instanceof JsonNumber)) return fail("amount", "must be a number");
  const decimal = parseDecimal(value.text);
  if (decimal === undefined) return fail("amount", "must be a number");
  if (compare(decimal, ZERO) <= 0) return fail("amount", "must be greater than 0");
  if (fractionDigits(decimal) > AMOUNT_MAX_DECIMALS) return fail("amount", `must have at most ${AMOUNT_MAX_DECIMALS} decimals`);
  return { text: value.text, plain: toPlainString(decimal) };
}

function readExpiration(value: JsonValue | undefined, fail: (field: string, message: string) => undefined): number | undefined {
  if (value === undefined || value === null) return DEFAULT_EXPIRATION_MINUTES;
  const rule = `must be an integer from 1 to ${MAX_EXPIRATION_MINUTES} (minutes)`;
  if (!(value instanceof JsonNumber)) return fail("expiration_time", rule);
  const decimal = parseDecimal(value.text);
  if (decimal === undefined || fractionDigits(decimal) > 0) return fail("expiration_time", rule);
  const minutes = toPlainString(decimal);
  // Compared as text-derived decimals; the range is small enough to be a safe integer afterwards.
  if (compare(decimal, { units: 1n, scale: 0 }) < 0 || compare(decimal, { units: BigInt(MAX_EXPIRATION_MINUTES), scale: 0 }) > 0) {
    return fail("expiration_time", rule);
  }
  return Number(minutes);
}
