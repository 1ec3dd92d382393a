import { type CurrencyCode, minorUnits } from "../currency/index.js";
import { err, ok, type Result } from "../result/index.js";

/**
 * An amount of one currency in integer minor units (cents). Never negative:
 * payments, refunds and totals are all non-negative, and a subtraction that
 * would go below zero is an error value instead.
 */
export interface Money {
  readonly currency: CurrencyCode;
  readonly minor: bigint;
}

export type MoneyRule =
  | "AMOUNT_FORMAT"
  | "AMOUNT_NOT_FINITE"
  | "AMOUNT_NEGATIVE"
  | "AMOUNT_TOO_PRECISE"
  | "CURRENCY_MISMATCH";

export interface MoneyError {
  readonly rule: MoneyRule;
  readonly message: string;
}

const PLAIN_DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
// Only the number path accepts exponents: String(1e-7) is "1e-7", and the
// shortest round-trip form is the one the provider's JSON encoder meant.
const NUMBER_DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

function moneyError(rule: MoneyRule, message: string): { readonly ok: false; readonly error: MoneyError } {
  return err({ rule, message });
}

export function zero(currency: CurrencyCode): Money {
  return { currency, minor: 0n };
}

export function fromMinor(minor: bigint, currency: CurrencyCode): Result<Money, MoneyError> {
  if (minor < 0n) return moneyError("AMOUNT_NEGATIVE", `amount ${minor} minor units is negative`);
  return ok({ currency, minor });
}

/**
 * Parses the amount shapes providers send: decimal strings with any number of
 * decimals ("7.0000", "22") and JSON numbers (1.50, 22). Digits beyond the
 * currency's minor units are accepted only when they are zero; anything else
 * would need rounding, which is a decision for a person, so it is an error.
 */
export function parseAmount(input: string | number, currency: CurrencyCode): Result<Money, MoneyError> {
  let text: string;
  let match: RegExpExecArray | null;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return moneyError("AMOUNT_NOT_FINITE", `amount ${input} is not a finite number`);
    text = String(input);
    match = NUMBER_DECIMAL.exec(text);
  } else {
    text = input;
    match = PLAIN_DECIMAL.exec(text);
  }
  if (match === null) {
    return moneyError("AMOUNT_FORMAT", `amount ${JSON.stringify(text)} is not a plain decimal like "12.50"`);
  }
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  const digits = BigInt(whole + fraction);
  // scale = how many of `digits` sit after the decimal point
  const scale = fraction.length - Number(exponent);
  const units = minorUnits(currency);
  let minor: bigint;
  if (scale <= units) {
    minor = digits * 10n ** BigInt(units - scale);
  } else {
    const divisor = 10n ** BigInt(scale - units);
    if (digits % divisor !== 0n) {
      return moneyError(
        "AMOUNT_TOO_PRECISE",
        `amount ${text} has non-zero digits beyond the ${units} decimal places of ${currency}; refusing to round`,
      );
    }
    minor = digits / divisor;
  }
  if (sign === "-" && minor !== 0n) return moneyError("AMOUNT_NEGATIVE", `amount ${text} is negative`);
  return ok({ currency, minor });
}

/** Canonical decimal string with exactly the currency's minor units: "7.00", "1500" for CLP. */
export function formatAmount(money: Money): string {
  const units = minorUnits(money.currency);
  const negative = money.minor < 0n;
  const magnitude = negative ? -money.minor : money.minor;
  const sign = negative ? "-" : "";
  if (units === 0) return `${sign}${magnitude}`;
  const divisor = 10n ** BigInt(units);
  const fraction = (magnitude % divisor).toString().padStart(units, "0");
  return `${sign}${magnitude / divisor}.${fraction}`;
}

function sameCurrency(a: Money, b: Money): MoneyError | null {
  if (a.currency === b.currency) return null;
  return { rule: "CURRENCY_MISMATCH", message: `cannot combine ${a.currency} with ${b.currency}` };
}

export function add(a: Money, b: Money): Result<Money, MoneyError> {
  const mismatch = sameCurrency(a, b);
  if (mismatch) return err(mismatch);
  return ok({ currency: a.currency, minor: a.minor + b.minor });
}

export function subtract(a: Money, b: Money): Result<Money, MoneyError> {
  const mismatch = sameCurrency(a, b);
  if (mismatch) return err(mismatch);
  if (b.minor > a.minor) {
    return moneyError("AMOUNT_NEGATIVE", `${formatAmount(a)} - ${formatAmount(b)} ${a.currency} would be negative`);
  }
  return ok({ currency: a.currency, minor: a.minor - b.minor });
}

export function compare(a: Money, b: Money): Result<-1 | 0 | 1, MoneyError> {
  const mismatch = sameCurrency(a, b);
  if (mismatch) return err(mismatch);
  return ok(a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0);
}

/** Same currency and same amount; amounts of different currencies are never equal. */
export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

export function sum(currency: CurrencyCode, amounts: readonly Money[]): Result<Money, MoneyError> {
  let total = zero(currency);
  for (const amount of amounts) {
    const next = add(total, amount);
    if (!next.ok) return next;
    total = next.value;
  }
  return ok(total);
}
