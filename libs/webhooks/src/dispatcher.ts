import type { Log } from "@riel/runtime";
import type { WebhookItem, WebhookStore } from "@riel/store";
import type { EndpointRecord } from "./endpoints.js";
import { readEndpoints } from "./endpoints.js";
import type { DeliveryRecord } from "./messages.js";
import { parseDelivery } from "./messages.js";
import type { Sender } from "./send.js";
import { signedHeaders } from "./send.js";

/** How failed attempts are retried: exponential backoff with jitter, for up to a day. */
export interface WebhookRetryPolicy {
  /** The wait after the first failed attempt; it doubles with each failure. */
  readonly baseMs: number;
  /** The longest wait between two attempts. */
  readonly maxMs: number;
  /** A delivery still failing this long after its round began is given up (FAILED). */
  readonly giveUpAfterMs: number;
}

/** How long the dispatcher trusts its list of endpoints before reading it again. */
const ENDPOINTS_TTL_MS = 1_000;

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { baseMs: 5_000, maxMs: 3_600_000, giveUpAfterMs: 24 * 3_600_000 };

/** The wait after `failures` failed attempts: base·2^(failures−1), at most max, then ±25% jitter so a recovered endpoint is not hit by every lane at once. */
export const backoffMs = (policy: WebhookRetryPolicy, failures: number, random: number): number =>
  Math.round(Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 40)) * (0.75 + 0.5 * random));

export interface DispatcherOptions {
  readonly store: WebhookStore;
  readonly send: Sender;
  readonly log: Log;
  readonly retry?: Partial<WebhookRetryPolicy>;
  /** One attempt's limit, connection to answer. */
  readonly timeoutMs?: number;
  /** Attempts in flight in all. */
  readonly concurrency?: number;
  /** Attempts in flight to one endpoint: a slow or dead endpoint holds these and no more. */
  readonly perEndpoint?: number;
  /** How often due retries are looked for (news from the fan-out wakes it at once). */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Told of each attempt's end, for metrics. */
  readonly attempted?: (event: { readonly outcome: "delivered" | "retry" | "failed"; readonly seconds: number }) => void;
}

export interface Dispatcher {
  /** Look for due deliveries now (the fan-out calls it after enqueueing). */
  wake(): void;
  /** Attempts in flight, per endpoint that has any: an endpoint whose attempts all ended (or that was removed) leaves nothing behind. */
  inFlight(): ReadonlyMap<string, number>;
  /** Stops taking deliveries and waits for the attempts in flight. */
  stop(): Promise<void>;
}

/**
 * Sends what the store holds: each round takes, per endpoint, as many due lanes as that
 * endpoint has free slots, and posts each lane's head. A lane's next delivery goes only after its
 * head is settled, so a payment's messages arrive in order; a failing endpoint's lanes wait on
 * their backoff in its own due set and use its own slots, so other endpoints never wait on it.
 * A lane is leased while its head is in flight: if this process dies, the lease lapses and
 * another instance sends it again (at-least-once; `webhook-id` lets the merchant drop the repeat).
 */
export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const policy: WebhookRetryPolicy = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 64;
  const perEndpoint = options.perEndpoint ?? 16;
  const leaseMs = Math.max(30_000, 3 * timeoutMs);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { store, log } = options;
  const busy = new Map<string, number>();
  let total = 0;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let running = false;
  let again = false;
  let turn = 0;
  let failing = false;

  const settle = async (item: WebhookItem, record: DeliveryRecord, outcome: { kind: "DONE" } | { kind: "RETRY"; atMs: number }): Promise<void> => {
    const moved = await store.settle({ ...item, record: JSON.stringify(record) }, outcome, now());
    if (!moved) log("webhook delivery settled elsewhere", { deliveryId: item.id, endpointId: item.endpointId });
  };

  async function attempt(endpoint: EndpointRecord, item: WebhookItem): Promise<void> {
    const delivery = parseDelivery(item.record);
    if (!delivery) {
      // Nothing to send: never block its lane behind it.
      log("webhook delivery unreadable; skipped", { deliveryId: item.id, endpointId: item.endpointId });
      await store.settle(item, { kind: "DONE" }, now());
      return;
    }
    const started = now();
    const at = new Date(started);
    const result = await options.send(endpoint.url, signedHeaders(endpoint.secret, delivery.messageId, at, delivery.body), delivery.body, timeoutMs);
    const ended = now();
    const attempts = delivery.attempts + 1;
    const tried = { ...delivery, attempts, lastAttemptAt: at.toISOString(), lastResponse: { status: result.status, error: result.error, ms: ended - started } };
    const seconds = (ended - started) / 1000;
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      await settle(item, { ...tried, status: "DELIVERED", nextAttemptAt: null, doneAt: new Date(ended).toISOString() }, { kind: "DONE" });
      options.attempted?.({ outcome: "delivered", seconds });
      return;
    }
    const deadline = Date.parse(delivery.since) + policy.giveUpAfterMs;
    if (ended >= deadline) {
      await settle(item, { ...tried, status: "FAILED", nextAttemptAt: null, doneAt: new Date(ended).toISOString() }, { kind: "DONE" });
      log("webhook delivery given up", { deliveryId: item.id, endpointId: item.endpointId, paymentId: delivery.paymentId, attempts, status: result.status, error: result.error });
      options.attempted?.({ outcome: "failed", seconds });
      return;
    }
    // The last try lands on the deadline itself rather than past it.
    const next = Math.min(deadline, ended + backoffMs(policy, attempts, random()));
    await settle(item, { ...tried, nextAttemptAt: new Date(next).toISOString() }, { kind: "RETRY", atMs: next });
    options.attempted?.({ outcome: "retry", seconds });
  }

  function launch(endpoint: EndpointRecord, item: WebhookItem): void {
    busy.set(endpoint.id, (busy.get(endpoint.id) ?? 0) + 1);
    total++;
    const run = attempt(endpoint, item)
      .catch((error: unknown) => {
        // The store failed to settle it: the lane's lease brings the delivery back.
        log("webhook delivery not settled; retried after its lease", { deliveryId: item.id, error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        const left = (busy.get(endpoint.id) ?? 1) - 1;
        // Endpoints come and go for as long as the process runs: an idle one keeps no entry.
        if (left > 0) busy.set(endpoint.id, left);
        else busy.delete(endpoint.id);
        total--;
        inFlight.delete(run);
        wake();
      });
    inFlight.add(run);
  }

  // The endpoints, read again at most every ENDPOINTS_TTL_MS: one that is new or removed is seen within that.
  let endpoints: { readonly list: readonly EndpointRecord[]; readonly readAt: number } = { list: [], readAt: Number.NEGATIVE_INFINITY };
  const currentEndpoints = async (): Promise<readonly EndpointRecord[]> => {
    if (Date.now() - endpoints.readAt >= ENDPOINTS_TTL_MS) {
      endpoints = { list: await readEndpoints(store), readAt: Date.now() };
    }
    return endpoints.list;
  };

  async function round(): Promise<void> {
    const list = await currentEndpoints();
    // A different endpoint first each round, so none is always served last when the shared slots run out.
    turn = (turn + 1) % Math.max(1, list.length);
    const claims: Array<{ endpoint: EndpointRecord; free: number }> = [];
    let left = concurrency - total;
    for (const endpoint of [...list.slice(turn), ...list.slice(0, turn)]) {
      const free = Math.min(perEndpoint - (busy.get(endpoint.id) ?? 0), left);
      if (free <= 0) continue;
      claims.push({ endpoint, free });
      left -= free;
    }
    // Each endpoint's take is one round trip; they go together.
    await Promise.all(
      claims.map(async ({ endpoint, free }) => {
        if (stopped) return;
        for (const item of await store.takeDue(endpoint.id, now(), free, leaseMs)) launch(endpoint, item);
      }),
    );
  }

  async function run(): Promise<void> {
    running = true;
    try {
      do {
        again = false;
        await round();
      } while (again && !stopped);
      if (failing) log("webhook dispatcher reaches the store again");
      failing = false;
    } catch (error) {
      if (!failing) log("webhook dispatcher cannot reach the store; trying again", { error: error instanceof Error ? error.message : String(error) });
      failing = true;
    } finally {
      running = false;
    }
  }

  function wake(): void {
    if (stopped) return;
    if (running) again = true;
    else void run();
  }

  const timer = setInterval(wake, options.pollMs ?? 250);
  wake();
  return {
    wake,
    inFlight: () => new Map(busy),
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
