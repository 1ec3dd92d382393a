// Counts what arrived and what it caused, per endpoint and per order, so tests
// can prove "one effect" rather than infer it.

export interface CallCounters {
  /** Authenticated requests that reached the endpoint (replays included). */
  requests: number;
  /** Requests that changed state (created an order, started or canceled a payment). */
  effects: number;
  /** Requests answered from the idempotency store. */
  replays: number;
  /** Requests refused with 409 because the idempotency key was reused with another body. */
  idempotencyConflicts: number;
}

export interface EndpointInfo {
  readonly method: "GET" | "POST" | "PUT";
  readonly path: string;
}

export type CounterKind = keyof CallCounters;

const zero = (): CallCounters => ({ requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 });

export class CallStats<E extends string> {
  readonly #endpoints: Readonly<Record<E, EndpointInfo>>;
  readonly #totals = new Map<E, CallCounters>();
  readonly #byOrder = new Map<string, Map<E, CallCounters>>();

  constructor(endpoints: Readonly<Record<E, EndpointInfo>>) {
    this.#endpoints = endpoints;
  }

  count(endpoint: E, kind: CounterKind, orderId?: string): void {
    this.#counters(this.#totals, endpoint)[kind]++;
    if (orderId === undefined) return;
    let perOrder = this.#byOrder.get(orderId);
    if (perOrder === undefined) {
      perOrder = new Map();
      this.#byOrder.set(orderId, perOrder);
    }
    this.#counters(perOrder, endpoint)[kind]++;
  }

  totals(): Record<string, EndpointInfo & CallCounters> {
    return this.#report(this.#totals, Object.keys(this.#endpoints) as E[]);
  }

  forOrder(orderId: string, endpoints: readonly E[]): Record<string, CallCounters> {
    const report: Record<string, CallCounters> = {};
    const perOrder = this.#byOrder.get(orderId);
    for (const endpoint of endpoints) report[endpoint] = { ...(perOrder?.get(endpoint) ?? zero()) };
    return report;
  }

  #report(source: Map<E, CallCounters>, endpoints: readonly E[]): Record<string, EndpointInfo & CallCounters> {
    const report: Record<string, EndpointInfo & CallCounters> = {};
    for (const endpoint of endpoints) {
      report[endpoint] = { ...this.#endpoints[endpoint], ...(source.get(endpoint) ?? zero()) };
    }
    return report;
  }

  #counters(source: Map<E, CallCounters>, endpoint: E): CallCounters {
    let counters = source.get(endpoint);
    if (counters === undefined) {
      counters = zero();
      source.set(endpoint, counters);
    }
    return counters;
  }
}
