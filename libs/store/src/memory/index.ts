import type { ClaimResult, Store, Versioned, WriteResult } from "../types.js";

interface Claim {
  readonly fingerprint: string;
  readonly response: string | undefined;
  readonly expiresAt: number;
}

/** The store in this process, for the embedded mode and unit tests; `now` can be moved by tests. */
export function createMemoryStore(now: () => number = Date.now): Store {
  const claims = new Map<string, Claim>();
  const projections = new Map<string, Versioned>();
  const live = (key: string): Claim | undefined => {
    const claim = claims.get(key);
    if (claim && claim.expiresAt <= now()) {
      claims.delete(key);
      return undefined;
    }
    return claim;
  };
  return {
    idempotency: {
      async claim(key, fingerprint, leaseMs): Promise<ClaimResult> {
        const claim = live(key);
        if (!claim) {
          claims.set(key, { fingerprint, response: undefined, expiresAt: now() + leaseMs });
          return { kind: "CLAIMED" };
        }
        if (claim.fingerprint !== fingerprint) return { kind: "MISMATCH" };
        return claim.response === undefined ? { kind: "IN_PROGRESS" } : { kind: "REPLAY", response: claim.response };
      },
      async complete(key, fingerprint, response, ttlMs) {
        if (live(key)?.fingerprint === fingerprint) claims.set(key, { fingerprint, response, expiresAt: now() + ttlMs });
      },
      async release(key, fingerprint) {
        const claim = live(key);
        if (claim?.fingerprint === fingerprint && claim.response === undefined) claims.delete(key);
      },
      async ttl(key) {
        const claim = live(key);
        return claim ? claim.expiresAt - now() : null;
      },
    },
    projections: {
      async read(id) {
        return projections.get(id) ?? null;
      },
      async write(id, value, expectedVersion): Promise<WriteResult> {
        const current = projections.get(id)?.version ?? 0;
        if (current !== expectedVersion) return { kind: "CONFLICT", current };
        projections.set(id, { version: current + 1, value });
        return { kind: "WRITTEN", version: current + 1 };
      },
    },
    async close() {},
  };
}
