import { minorUnits, type CurrencyCode } from "../currency/index.js";
import { parseAmount, type Money } from "../money/index.js";
import { charLength } from "../tlv/index.js";

/** EMVCo's limit for tag 54. */
export const MAX_AMOUNT_LENGTH = 13;

export type AmountReading =
  | { readonly ok: true; readonly money: Money; readonly warning: string | null }
  | { readonly ok: false; readonly problem: string };

const AMOUNT_SHAPE = /^(\d*)(?:\.(\d*))?$/;

/**
 * Reads tag 54 exactly, or says why it cannot be paid as written.
 *
 * - "98" and "98." (EMVCo allows the decimal mark without decimals) and "10.5"
 *   (fewer decimals than the currency has) are exact: no warning.
 * - ".50" (no digit before the mark) is exact too, 0.50, but no EMVCo shape:
 *   accepted with a warning.
 * - "10.500" BRL or "1500.00" CLP carry more decimals than the currency has,
 *   all zero: the amount is still exact, so accepted with a warning.
 * - "10.505" BRL or "1500.50" CLP cannot be paid exactly: refused, because
 *   rounding is a decision for a person.
 * - Commas, signs, spaces, exponents, a bare ".", zero: refused.
 */
export function readAmount(value: string, currency: CurrencyCode | null): AmountReading {
  const shown = JSON.stringify(value);
  if (charLength(value) > MAX_AMOUNT_LENGTH) return { ok: false, problem: `amount ${shown} is longer than ${MAX_AMOUNT_LENGTH} characters` };
  const match = AMOUNT_SHAPE.exec(value);
  const whole = match?.[1] ?? "";
  const fraction = match?.[2] ?? "";
  if (match === null || whole + fraction === "") {
    return { ok: false, problem: `amount ${shown} is not digits with an optional "." and decimals` };
  }
  if (currency === null) return { ok: false, problem: `amount ${shown} cannot be read without a valid currency` };
  const parsed = parseAmount(fraction === "" ? whole : `${whole === "" ? "0" : whole}.${fraction}`, currency);
  if (!parsed.ok) {
    return { ok: false, problem: `amount ${shown}: ${parsed.error.message}; a code that cannot be paid exactly is refused` };
  }
  if (parsed.value.minor === 0n) return { ok: false, problem: "amount is zero; an open-amount code omits tag 54 instead" };
  const warnings: string[] = [];
  if (whole === "") warnings.push(`amount ${shown} has no digit before the decimal mark; read as 0.${fraction}`);
  const units = minorUnits(currency);
  if (fraction.length > units) {
    warnings.push(`amount ${shown} has ${fraction.length} decimals where ${currency} has ${units}; the extra ones are zero, so the amount is exact`);
  }
  return { ok: true, money: parsed.value, warning: warnings.length > 0 ? warnings.join("; ") : null };
}
