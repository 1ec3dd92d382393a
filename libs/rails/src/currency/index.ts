/**
 * The currencies the rails handle, with their ISO 4217 numeric codes (used by
 * EMVCo QR tag 53) and minor units (how many decimals an amount may carry).
 */
export const CURRENCIES = {
  BRL: { numeric: "986", minorUnits: 2 },
  PEN: { numeric: "604", minorUnits: 2 },
  // ISO 4217 gives COP two minor units even though cents are not in circulation;
  // providers send "1500.00", so we keep the ISO value rather than the street one.
  COP: { numeric: "170", minorUnits: 2 },
  ARS: { numeric: "032", minorUnits: 2 },
  USD: { numeric: "840", minorUnits: 2 },
  CLP: { numeric: "152", minorUnits: 0 },
  MXN: { numeric: "484", minorUnits: 2 },
} as const satisfies Record<string, { numeric: string; minorUnits: number }>;

export type CurrencyCode = keyof typeof CURRENCIES;

export const CURRENCY_CODES: readonly CurrencyCode[] = Object.freeze(Object.keys(CURRENCIES) as CurrencyCode[]);

const BY_NUMERIC: ReadonlyMap<string, CurrencyCode> = new Map(
  CURRENCY_CODES.map((code) => [CURRENCIES[code].numeric, code] as const),
);

export function isCurrencyCode(value: string): value is CurrencyCode {
  return Object.hasOwn(CURRENCIES, value);
}

export function minorUnits(currency: CurrencyCode): number {
  return CURRENCIES[currency].minorUnits;
}

export function numericCode(currency: CurrencyCode): string {
  return CURRENCIES[currency].numeric;
}

/** ISO 4217 numeric ("986") to alphabetic ("BRL"); null when the rails do not support it. */
export function currencyFromNumeric(numeric: string): CurrencyCode | null {
  return BY_NUMERIC.get(numeric) ?? null;
}
