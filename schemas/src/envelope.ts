import { createHash, randomUUID } from "node:crypto";
import type { Envelope } from "./generated/index.js";

/** A new envelope for a record caused by `cause` (or starting a chain when there is none). */
export function envelopeFor(paymentId: string, cause: Envelope | null, options: { eventId?: string; now?: Date } = {}): Envelope {
  return {
    eventId: options.eventId ?? randomUUID(),
    occurredAt: (options.now ?? new Date()).toISOString(),
    paymentId,
    correlationId: cause?.correlationId ?? randomUUID(),
    causationId: cause?.eventId ?? null,
  };
}

/**
 * An event id that is the same whenever the same fact is reported twice (a provider
 * retrying a callback, a handler re-run after a crash), so the projector can drop repeats.
 */
export function deterministicId(...parts: readonly string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
