import { randomUUID } from "node:crypto";
import type { Bus, Subscription } from "@riel/bus";
import type { PaymentNeedsAttention, PaymentStatusChanged, RielTopics } from "@riel/schemas";
import { topics } from "@riel/schemas";
import type { InfraSettings } from "@riel/runtime";
import type { StackSettings } from "../setup/stack-context.js";

/**
 * Public status events as they arrive, awaitable per payment and status: no polling, no
 * sleeping. Delivery is at-least-once, so like any downstream consumer it drops a repeat
 * by its event id (a projector restarted before its commit publishes the same event again).
 */
export class StatusWatcher {
  readonly events: PaymentStatusChanged[] = [];
  /** PaymentNeedsAttention records, repeats dropped. */
  readonly attention: PaymentNeedsAttention[] = [];
  readonly #seen = new Set<string>();
  repeats = 0;
  // Indexed by payment, so a wait costs the same after 10 events or 100,000.
  readonly #byPayment = new Map<string, PaymentStatusChanged[]>();
  readonly #waiters = new Map<string, Array<{ status: string; resolve: (e: PaymentStatusChanged) => void }>>();
  readonly #anyOf = new Map<string, Array<{ statuses: ReadonlySet<string>; resolve: (e: PaymentStatusChanged) => void }>>();
  #subscription: Subscription | undefined;

  static async start(bus: Bus<RielTopics>): Promise<StatusWatcher> {
    const watcher = new StatusWatcher();
    watcher.#subscription = await bus.subscribe({
      group: `e2e-watch-${randomUUID()}`,
      topics: [topics.paymentEvents.name],
      handler: async (record) => {
        if (record.type === "riel.events.PaymentStatusChanged") watcher.#add(record.value);
        else if (!watcher.#seen.has(record.value.envelope.eventId)) {
          watcher.#seen.add(record.value.envelope.eventId);
          watcher.attention.push(record.value);
        }
      },
    });
    return watcher;
  }

  #add(event: PaymentStatusChanged): void {
    if (this.#seen.has(event.envelope.eventId)) {
      this.repeats++;
      return;
    }
    this.#seen.add(event.envelope.eventId);
    this.events.push(event);
    const paymentId = event.envelope.paymentId;
    const list = this.#byPayment.get(paymentId);
    if (list) list.push(event);
    else this.#byPayment.set(paymentId, [event]);
    const anyOf = this.#anyOf.get(paymentId);
    if (anyOf) {
      const left = anyOf.filter((w) => (w.statuses.has(event.status) ? (w.resolve(event), false) : true));
      if (left.length > 0) this.#anyOf.set(paymentId, left);
      else this.#anyOf.delete(paymentId);
    }
    const waiting = this.#waiters.get(paymentId);
    if (!waiting) return;
    const left = waiting.filter((w) => {
      if (w.status !== event.status) return true;
      w.resolve(event);
      return false;
    });
    if (left.length > 0) this.#waiters.set(paymentId, left);
    else this.#waiters.delete(paymentId);
  }

  waitFor(paymentId: string, status: string): Promise<PaymentStatusChanged> {
    const seen = this.#byPayment.get(paymentId)?.find((e) => e.status === status);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const list = this.#waiters.get(paymentId);
      if (list) list.push({ status, resolve });
      else this.#waiters.set(paymentId, [{ status, resolve }]);
    });
  }

  /** The payment's first event with one of `statuses` (e.g. where a flow ends: COMPLETED, REJECTED, ...). */
  waitForAny(paymentId: string, statuses: ReadonlySet<string>): Promise<PaymentStatusChanged> {
    const seen = this.#byPayment.get(paymentId)?.find((e) => statuses.has(e.status));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const list = this.#anyOf.get(paymentId);
      if (list) list.push({ statuses, resolve });
      else this.#anyOf.set(paymentId, [{ statuses, resolve }]);
    });
  }

  statusesOf(paymentId: string): string[] {
    return (this.#byPayment.get(paymentId) ?? []).map((e) => e.status);
  }

  async stop(): Promise<void> {
    await this.#subscription?.stop();
  }
}

export interface Json {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/**
 * The API key every test's Riel is started with (`apiKey` of startEmbedded and the cluster): every
 * scope. Public, so only ever for tests.
 */
export const TEST_API_KEY = "riel_e2etest00000_test-only-key-never-use-in-production-00000";

/** An ingress route (/v1/...) gets TEST_API_KEY unless `headers` say otherwise (`authorization: ""` sends none). */
export async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const own = Object.keys(headers).some((h) => h.toLowerCase() === "authorization");
  const auth: Record<string, string> = !own && new URL(url).pathname.startsWith("/v1/") ? { authorization: `Bearer ${TEST_API_KEY}` } : {};
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...auth, ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const payer = () => ({ fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" });

export const pixPayment = (overrides: Record<string, unknown> = {}) => ({
  method: "PIX_KEY",
  payeeKey: "390.533.447-05",
  amount: { amount: "10.50", currency: "BRL" },
  payer: payer(),
  externalReference: `order-${randomUUID().slice(0, 8)}`,
  ...overrides,
});

/** Riel's infrastructure settings for the real stack, as the end-to-end tests run them. */
export const realInfra = (stack: StackSettings): InfraSettings => ({
  kind: "real",
  config: { KAFKA_BROKERS: [...stack.kafkaBrokers], REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 6000 },
});
