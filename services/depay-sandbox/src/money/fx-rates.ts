import { multiply, parseDecimal, round, toPlainString } from "./decimal.js";

/**
 * Fixed sandbox conversion rates: units of the user's currency per 1 BRL.
 * The real provider quotes live rates; the sandbox needs stable numbers so
 * that tests can assert user_total_amount exactly.
 */
export const BRL_RATES: Readonly<Record<string, string>> = {
  BRL: "1",
  ARS: "233.9086",
  BOB: "1.2400",
  CLP: "170.0000",
  COP: "720.5000",
  EUR: "0.1650",
  MXN: "3.4500",
  PEN: "0.6700",
  PYG: "1400.0000",
  USD: "0.1800",
  UYU: "7.2000",
};

/** user_total_amount keeps four decimals, as the status endpoint shows amounts ("1637.3605"). */
const USER_AMOUNT_PLACES = 4;

/** Converts a BRL decimal string into `currency`; undefined when the sandbox has no rate. */
export function convertFromBrl(amount: string, currency: string): string | undefined {
  const rateText = BRL_RATES[currency];
  const value = parseDecimal(amount);
  if (rateText === undefined || value === undefined) return undefined;
  const rate = parseDecimal(rateText);
  if (rate === undefined) return undefined;
  return toPlainString(round(multiply(value, rate), USER_AMOUNT_PLACES));
}
