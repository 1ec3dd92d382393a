import { z } from "zod";
import type { CurrencyCode, Money as RailsMoney } from "@riel/rails";
import { formatAmount, isCurrencyCode, parseAmount } from "@riel/rails";
import type { Money } from "@riel/schemas";
import type { FieldError } from "./errors.js";

/**
 * What no name or reference needs, and what hides or reorders text on a screen or a statement:
 * control characters, every invisible format character (bidirectional marks, overrides and
 * isolates, the BOM, zero-width space, soft hyphen, word joiner, tag characters), line and
 * paragraph separators, the noncharacters U+FFFE and U+FFFF, and halves of surrogate pairs (not
 * text at all). Joiners (U+200C, U+200D) stay: scripts and emoji need them.
 */
const HOSTILE_CHARACTERS = /(?![\u200c\u200d])\p{Cf}|[\p{Cc}\u2028\u2029\ufffe\uffff]|\p{Cs}/u;
const HOSTILE_RULE = "must not contain control, bidirectional-override, zero-width or unpaired surrogate characters";

export const text = (max: number) =>
  z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !HOSTILE_CHARACTERS.test(s), HOSTILE_RULE);

const currencyCode = z.string({ error: "must be an ISO 4217 code" }).regex(/^[A-Z]{3}$/, "must be an ISO 4217 alphabetic code such as BRL");

export const moneySchema = z.strictObject({
  amount: z.string({ error: 'must be a decimal string such as "10.50" (numbers would lose cents to binary floats)' }),
  currency: currencyCode,
});

export const payerSchema = z.strictObject({
  fullName: text(200),
  currency: currencyCode,
  accountNumber: text(50),
  taxId: text(50),
  /** Only some rails need it (Peru keys); the methods that do require it. */
  taxIdType: z
    .string({ error: "must be a string" })
    .max(20, "must be at most 20 characters")
    .refine((s) => !HOSTILE_CHARACTERS.test(s), HOSTILE_RULE)
    .nullish()
    .transform((v) => v ?? null),
});

/** What every payment request carries, whatever its method. */
export const commonFields = {
  payer: payerSchema,
  externalReference: text(100),
};

/**
 * Every digit of an amount, minor units included. Riel writes amounts exactly, but providers read
 * them as JSON numbers (TumiPay's are floats, gap 10), and a binary float holds 15 significant
 * digits exactly: a longer amount could be paid as another one.
 */
const MAX_AMOUNT_DIGITS = 15;
const MINOR_UNITS_CEILING = 10n ** BigInt(MAX_AMOUNT_DIGITS);

/**
 * An amount checked against its currency's minor units and required to be positive, as
 * canonical text ("10.5" BRL becomes "10.50"): the only form a command carries.
 */
export function checkAmount(field: string, money: Money, currency: CurrencyCode): { ok: true; value: Money; rails: RailsMoney } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (money.currency !== currency) errors.push({ field: `${field}.currency`, rule: `must be ${currency}` });
  if (!isCurrencyCode(money.currency)) return { ok: false, errors };
  const parsed = parseAmount(money.amount, currency);
  if (!parsed.ok) errors.push({ field: `${field}.amount`, rule: `${parsed.error.rule}: ${parsed.error.message}` });
  else if (parsed.value.minor <= 0n) errors.push({ field: `${field}.amount`, rule: "must be greater than zero" });
  else if (parsed.value.minor >= MINOR_UNITS_CEILING) errors.push({ field: `${field}.amount`, rule: `must have at most ${MAX_AMOUNT_DIGITS} digits in all: providers read amounts as JSON numbers, and a binary float keeps no more exactly` });
  if (errors.length > 0 || !parsed.ok) return { ok: false, errors };
  return { ok: true, value: { amount: formatAmount(parsed.value), currency }, rails: parsed.value };
}
