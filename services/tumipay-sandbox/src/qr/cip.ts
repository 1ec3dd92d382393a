import { createHash } from "node:crypto";

/**
 * PagoEfectivo's CIP (the code the payer takes to an agent or bank): 8 digits,
 * the same for a ticket every time, never starting with 0.
 */
export function cipOf(ticket: string): string {
  const n = createHash("sha256").update(ticket).digest().readUInt32BE(0);
  return String(10_000_000 + (n % 90_000_000));
}
