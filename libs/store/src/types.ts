/** The outcome of claiming an idempotency key, judged by the stored request fingerprint. */
export type ClaimResult =
  /** First caller: go ahead, then `complete` (or `release` if nothing happened). */
  | { readonly kind: "CLAIMED" }
  /** Same request, still being worked on by its first caller. */
  | { readonly kind: "IN_PROGRESS" }
  /** Same request, already answered: send this answer again. */
  | { readonly kind: "REPLAY"; readonly response: string }
  /** Same key, different request: refuse it. */
  | { readonly kind: "MISMATCH" };

export interface IdempotencyStore {
  /**
   * Atomically claims `key` for a request with this fingerprint. The claim lapses after
   * `leaseMs` unless completed, so a caller that dies does not block the key for good.
   */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>;
  /** Stores the answer for replays, kept for `ttlMs`. Only the fingerprint's holder may complete. */
  complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void>;
  /** Gives a claim back when the request had no effect, so a retry can claim again. */
  release(key: string, fingerprint: string): Promise<void>;
  /** Milliseconds until the key lapses, or null when there is no key. For checks and tests. */
  ttl(key: string): Promise<number | null>;
}

export interface Versioned {
  readonly version: number;
  readonly value: string;
}

export type WriteResult = { readonly kind: "WRITTEN"; readonly version: number } | { readonly kind: "CONFLICT"; readonly current: number };

/** Latest state per id, written with an optimistic version check. */
export interface ProjectionStore {
  read(id: string): Promise<Versioned | null>;
  /** Writes when the stored version equals `expectedVersion` (0: nothing stored yet). */
  write(id: string, value: string, expectedVersion: number): Promise<WriteResult>;
}

export interface Store {
  readonly idempotency: IdempotencyStore;
  readonly projections: ProjectionStore;
  close(): Promise<void>;
}
