// Exact decimal arithmetic on scaled bigints. Sandboxes hold amounts as decimal
// strings; this module is the only place that computes with them, so no amount
// ever passes through a binary float.

/** value = units / 10^scale */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are refused rather than expanded into huge numbers. */
const MAX_EXPONENT = 64;

export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const [, sign = "", intPart = "", fracPart = "", expPart] = match;
  const exponent = expPart === undefined ? 0 : Number(expPart);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return undefined;
  let units = BigInt(intPart + fracPart);
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ units: sign === "-" ? -units : units, scale });
}

/** Strips trailing fractional zeros: 10.50 -> 10.5, 7.000 -> 7. */
export function normalize(d: Decimal): Decimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return { units, scale };
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return normalize({ units: a.units * b.units, scale: a.scale + b.scale });
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Digits after the point once trailing zeros are gone. */
export function fractionDigits(d: Decimal): number {
  return normalize(d).scale;
}

/**
 * a / b rounded half away from zero to `places` fractional digits; undefined
 * when b is zero. Exact: the quotient is computed on integers scaled far
 * enough that the rounding digit is known.
 */
export function divide(a: Decimal, b: Decimal, places: number): Decimal | undefined {
  if (b.units === 0n) return undefined;
  if (!Number.isSafeInteger(places) || places < 0) throw new RangeError(`places must be a non-negative integer, got ${places}`);
  // a/b = (a.units * 10^b.scale) / (b.units * 10^a.scale); scale the numerator by 10^places more.
  const numerator = a.units * 10n ** BigInt(b.scale + places);
  const denominator = b.units * 10n ** BigInt(a.scale);
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  return normalize({ units: negative ? -quotient : quotient, scale: places });
}

/** Rounds half away from zero to `places` fractional digits. */
export function round(d: Decimal, places: number): Decimal {
  if (d.scale <= places) return d;
  const divisor = 10n ** BigInt(d.scale - places);
  const negative = d.units < 0n;
  const magnitude = negative ? -d.units : d.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale: places };
}

/** Plain text with exactly `places` fractional digits, e.g. toFixed(7, 4) = "7.0000". */
export function toFixed(d: Decimal, places: number): string {
  const r = round(d, places);
  return formatUnits(r.units * 10n ** BigInt(places - r.scale), places);
}

/** Shortest plain text (no exponent): 10, 10.5, 0.05. Valid as a JSON number literal. */
export function toPlainString(d: Decimal): string {
  const n = normalize(d);
  return formatUnits(n.units, n.scale);
}

function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${intPart}${scale > 0 ? `.${fracPart}` : ""}`;
}
