import { divide, multiply, parseDecimal, toPlainString } from "@riel/sandbox-kit";

/**
 * Fixed sandbox conversion rates: units of each currency per 1 BRL. The real
 * provider quotes live rates; the sandbox needs stable numbers so that tests
 * can assert user_total_amount exactly. Any pair converts through BRL.
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

function rate(currency: string) {
  return Object.hasOwn(BRL_RATES, currency) ? parseDecimal(BRL_RATES[currency] ?? "") : undefined;
}

/**
 * Converts a decimal string from one currency into another: amount * to / from,
 * one exact division rounded half away from zero to four decimals. Undefined
 * when the sandbox has no rate for either currency.
 */
export function convertAmount(amount: string, from: string, to: string): string | undefined {
  const value = parseDecimal(amount);
  const fromRate = rate(from);
  const toRate = rate(to);
  if (value === undefined || fromRate === undefined || toRate === undefined) return undefined;
  const converted = divide(multiply(value, toRate), fromRate, USER_AMOUNT_PLACES);
  return converted === undefined ? undefined : toPlainString(converted);
}
