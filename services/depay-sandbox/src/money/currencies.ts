// The currencies QR codes may carry (tag 53, ISO 4217 numeric) and how many
// decimals an amount in each may have. A code in any other currency is one the
// sandbox cannot quote (it answers INVALID_QR).

export interface QrCurrency {
  readonly code: string;
  readonly minorUnits: number;
}

export const QR_CURRENCIES: Readonly<Record<string, QrCurrency>> = {
  "986": { code: "BRL", minorUnits: 2 },
  "032": { code: "ARS", minorUnits: 2 },
  "604": { code: "PEN", minorUnits: 2 },
  "170": { code: "COP", minorUnits: 2 },
  "840": { code: "USD", minorUnits: 2 },
  "152": { code: "CLP", minorUnits: 0 },
  "484": { code: "MXN", minorUnits: 2 },
};

export function qrCurrency(numeric: string): QrCurrency | undefined {
  return Object.hasOwn(QR_CURRENCIES, numeric) ? QR_CURRENCIES[numeric] : undefined;
}

/** The NestJS-style rule text for an amount with more decimals than `minorUnits`. */
export function decimalsRule(minorUnits: number): string {
  return minorUnits === 0 ? "must be an integer number" : `must not have more than ${minorUnits} decimal places`;
}

/** Minor units of an alphabetic code the QR table knows; 2 (centavos) for any other. */
export function minorUnitsOf(code: string): number {
  return Object.values(QR_CURRENCIES).find((currency) => currency.code === code)?.minorUnits ?? 2;
}
