/** The outcome of claiming an idempotency key, judged by the stored request fingerprint. */
export type ClaimResult =
  /** First caller, or the same attempt again (a claim script resent after a reconnect): go ahead, then `complete` (or `release` if nothing happened). */
  | { readonly kind: "CLAIMED" }
  /**
   * Same request; its earlier attempt stopped renewing its lease (its process died). This caller
   * now holds the claim. `intent` is what that attempt recorded before its effect (`intend`), or
   * null when it recorded nothing: then nothing was done, and the request is run afresh.
   */
  | { readonly kind: "TAKEN_OVER"; readonly intent: string | null }
  /** Same request, still being worked on by a live attempt: retry after `retryAfterMs`. */
  | { readonly kind: "IN_PROGRESS"; readonly retryAfterMs: number }
  /** Same request, already answered: send this answer again. */
  | { readonly kind: "REPLAY"; readonly response: string }
  /** Same key, different request: refuse it. */
  | { readonly kind: "MISMATCH" };

export interface IdempotencyStore {
  /**
   * Atomically claims `key` for a request with this fingerprint, for the attempt `owner` (a token
   * per attempt; the fingerprint when omitted). The claim is leased for `leaseMs`: an attempt
   * that stops renewing it (`renew`) loses it to the next attempt, so a dead process blocks a
   * key for one lease at most, and an attempt never blocks itself.
   */
  claim(key: string, fingerprint: string, leaseMs: number, owner?: string): Promise<ClaimResult>;
  /** Extends the lease while the attempt is alive; false when it is no longer this owner's. */
  renew(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Records what the attempt is about to do (the command it will publish and the answer it will
   * give), kept for `ttlMs`, so that an attempt taking over after a crash finishes it instead of
   * deciding anew. False when the claim is no longer this owner's.
   */
  intend(key: string, fingerprint: string, owner: string, intent: string, ttlMs: number): Promise<boolean>;
  /** Stores the answer for replays, kept for `ttlMs`. Only the fingerprint's holder may complete. */
  complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void>;
  /**
   * Gives a claim back when the request had no effect, so a retry can claim again. With `owner`,
   * only that attempt's claim: a late or resent release never frees a claim another attempt took over.
   */
  release(key: string, fingerprint: string, owner?: string): Promise<void>;
  /** Milliseconds until the lease (pending) or the answer (done) lapses, or null when there is no key. For checks and tests. */
  ttl(key: string): Promise<number | null>;
}

export interface Versioned {
  readonly version: number;
  readonly value: string;
}

export type WriteResult = { readonly kind: "WRITTEN"; readonly version: number } | { readonly kind: "CONFLICT"; readonly current: number };

/**
 * Where a projection is listed: by the time it began (`at`, epoch ms) and under each tag (e.g.
 * `ref:<external reference>`, `method:PIX_KEY`). Written with the projection, in the same atomic
 * step, so a listed id always has a projection and a rebuilt projection is listed again.
 */
export interface ProjectionIndex {
  readonly at: number;
  readonly tags: readonly string[];
}

/** Which listed ids to give: newest first, under one tag (or all), `at` within [from, to]. */
export interface ProjectionQuery {
  readonly tag?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, inclusive. */
  readonly to?: number;
  readonly limit: number;
  /** Skip ids listed at exactly `to` until after this one (paging: the last id of the page before). */
  readonly after?: string;
}

/** Latest state per id, written with an optimistic version check. */
export interface ProjectionStore {
  read(id: string): Promise<Versioned | null>;
  /** Writes when the stored version equals `expectedVersion` (0: nothing stored yet); lists it under `index` when given. */
  write(id: string, value: string, expectedVersion: number, index?: ProjectionIndex): Promise<WriteResult>;
  /** Ids listed, newest first (ties: by id, descending), with the time each is listed at. */
  list(query: ProjectionQuery): Promise<ReadonlyArray<{ readonly id: string; readonly at: number }>>;
}

/**
 * When each open payment is next due for a check with its provider (reconciliation): one sorted
 * index per queue, so finding what is due never scans every payment.
 */
export interface DueStore {
  /** Sets when `id` in `queue` is next due (replacing any earlier time). */
  schedule(queue: string, id: string, dueAtMs: number): Promise<void>;
  /** Removes `id` from the queue and forgets its check count. */
  cancel(queue: string, id: string): Promise<void>;
  /**
   * Counts one more check of `id` in `phase` (e.g. the status it was checked in) and returns the
   * count; a check in another phase starts again at 1.
   */
  countCheck(queue: string, id: string, phase: string): Promise<number>;
  /**
   * Takes up to `limit` ids due by `nowMs`, each moved `leaseMs` ahead in the same atomic step,
   * so another instance taking due ids meanwhile does not get them: one check at a time per
   * payment. The taker schedules the next check (or cancels) when done; if it dies, the lease
   * brings the id back.
   */
  takeDue(queue: string, nowMs: number, limit: number, leaseMs: number): Promise<string[]>;
  /** When `id` is due, or null. For checks and tests. */
  dueAt(queue: string, id: string): Promise<number | null>;
}

/**
 * API keys' records by key id (JSON written by the ingress's key management: never a secret, only
 * its hash). Shared by every ingress instance, so a key made or revoked through one counts at all.
 */
export interface ApiKeyStore {
  /** Stores the record of `id`, replacing any earlier one. */
  put(id: string, record: string): Promise<void>;
  get(id: string): Promise<string | null>;
  /** Every record, in no particular order. */
  list(): Promise<ReadonlyArray<{ readonly id: string; readonly record: string }>>;
}

/** How many requests a caller may make: a burst of `capacity`, refilled at `refillPerSecond`. */
export interface RateRule {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Token buckets shared by every instance, so a limit holds however many instances serve. */
export interface RateLimitStore {
  /**
   * Takes `cost` tokens (1) from `bucket` if it holds them. `remaining` is what is left;
   * `retryAfterMs`, when refused, is how long until the bucket holds `cost` again.
   */
  take(bucket: string, rule: RateRule, cost?: number): Promise<{ readonly allowed: boolean; readonly remaining: number; readonly retryAfterMs: number }>;
}

/**
 * A webhook delivery as the store keeps it. `record` is the webhooks library's JSON, opaque here;
 * `lane` orders deliveries: those of one lane (a payment's, at one endpoint) go out one at a time,
 * in the order they were enqueued, and a lane waiting on a retry holds back no other lane.
 */
export interface WebhookItem {
  readonly id: string;
  readonly endpointId: string;
  readonly lane: string;
  readonly record: string;
}

/** What became of a lane's head: delivered or given up on (the next one goes), or tried again at `atMs`. */
export type WebhookOutcome = { readonly kind: "DONE" } | { readonly kind: "RETRY"; readonly atMs: number };

/**
 * Merchants' webhook endpoints, and the deliveries to them: durable lanes in order per payment, a
 * due index per endpoint (so a dead endpoint's backlog is never scanned for another's), and a
 * delivery log per endpoint, newest first.
 */
export interface WebhookStore {
  putEndpoint(id: string, record: string): Promise<void>;
  getEndpoint(id: string): Promise<string | null>;
  listEndpoints(): Promise<ReadonlyArray<{ readonly id: string; readonly record: string }>>;
  /** Forgets the endpoint and what waits for it (its log stays until it lapses); false when unknown. */
  deleteEndpoint(id: string): Promise<boolean>;
  /**
   * Adds the delivery unless its id is known (a repeated event enqueues nothing), at the end of its
   * lane; a lane that was empty is due at `atMs`. True when added.
   */
  enqueue(item: WebhookItem, atMs: number): Promise<boolean>;
  /**
   * The heads of up to `limit` of the endpoint's lanes due by `nowMs`, each lane leased `leaseMs`
   * ahead in the same atomic step: another instance does not take them meanwhile, and a taker that
   * dies gives them back when the lease lapses.
   */
  takeDue(endpointId: string, nowMs: number, limit: number, leaseMs: number): Promise<WebhookItem[]>;
  /**
   * Stores the head's new record and moves its lane on: DONE pops it (the next is due at `nowMs`),
   * RETRY keeps it first, due at `atMs`. False (and nothing written) when it is no longer its lane's head.
   */
  settle(item: WebhookItem, outcome: WebhookOutcome, nowMs: number): Promise<boolean>;
  /** Puts a settled delivery, with its new record, at the end of its lane again; false when it is unknown or still waiting. */
  requeue(item: WebhookItem, nowMs: number): Promise<boolean>;
  getDelivery(id: string): Promise<WebhookItem | null>;
  /** The endpoint's deliveries, newest first, enqueued before `beforeMs` when given. */
  deliveries(endpointId: string, query: { readonly limit: number; readonly beforeMs?: number }): Promise<WebhookItem[]>;
  /** How many of its lanes wait (due now or later). */
  waiting(endpointId: string): Promise<number>;
}

export interface Store {
  readonly idempotency: IdempotencyStore;
  readonly apiKeys: ApiKeyStore;
  readonly limits: RateLimitStore;
  readonly projections: ProjectionStore;
  readonly due: DueStore;
  readonly webhooks: WebhookStore;
  close(): Promise<void>;
}
