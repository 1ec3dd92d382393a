import { normalize, type Decimal } from "@riel/sandbox-kit";

// Addition and subtraction of exact decimals (the kit has multiply and
// divide only); used to keep the refund ledger: what was paid, refunded and
// is still in flight.

function aligned(a: Decimal, b: Decimal): { readonly x: bigint; readonly y: bigint; readonly scale: number } {
  const scale = Math.max(a.scale, b.scale);
  return { x: a.units * 10n ** BigInt(scale - a.scale), y: b.units * 10n ** BigInt(scale - b.scale), scale };
}

export function add(a: Decimal, b: Decimal): Decimal {
  const { x, y, scale } = aligned(a, b);
  return normalize({ units: x + y, scale });
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const { x, y, scale } = aligned(a, b);
  return normalize({ units: x - y, scale });
}

export const ZERO: Decimal = { units: 0n, scale: 0 };
