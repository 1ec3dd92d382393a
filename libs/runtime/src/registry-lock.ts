import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { IdempotencyStore } from "@riel/store";

const KEY = "riel:lock:schema-registration";
// Long enough for a registration with retries (a handful of subjects, one write each); a
// holder that died frees the lock when the lease lapses.
const LEASE_MS = 60_000;
const WAIT_MS = 180_000;

/**
 * Runs `work` while holding a lock shared through Redis by every Riel process: the schema
 * registry's writes must not overlap (see the codec's `exclusive` option). The lock is an
 * idempotency claim under a token of this call's own.
 */
export async function withRegistrationLock<T>(claims: IdempotencyStore, work: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  const giveUpAt = Date.now() + WAIT_MS;
  for (;;) {
    const claim = await claims.claim(KEY, token, LEASE_MS);
    // The token is both fingerprint and owner: a claim of ours that ran twice (resent after a reconnect) answers CLAIMED.
    if (claim.kind === "CLAIMED" || claim.kind === "TAKEN_OVER") break;
    if (Date.now() > giveUpAt) throw new Error(`schema registration: another process held ${KEY} for over ${WAIT_MS / 1000} s`);
    // Polling a lock, not waiting for an effect: another process is registering, usually for well under a second.
    await delay(50 + Math.random() * 150);
  }
  try {
    return await work();
  } finally {
    await claims.release(KEY, token, token);
  }
}
