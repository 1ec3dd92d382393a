// Counts what arrived and what it caused, per endpoint and per stream (an
// order, a transaction), so tests can prove "one effect" rather than infer it.

export interface CallCounters {
  /** Authenticated requests that reached the endpoint (replays included). */
  requests: number;
  /** Requests that changed state (created an order, started or canceled a payment). */
  effects: number;
  /** Requests answered from the idempotency store. */
  replays: number;
  /** Requests refused because the idempotency key was reused with another body. */
  idempotencyConflicts: number;
}

export interface EndpointInfo {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Hono route path, e.g. `/v2/payments/:order_id/status`. */
  readonly path: string;
}

export type CounterKind = keyof CallCounters;

const zero = (): CallCounters => ({ requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 });

export class CallStats<E extends string> {
  readonly #endpoints: Readonly<Record<E, EndpointInfo>>;
  readonly #totals = new Map<E, CallCounters>();
  readonly #byStream = new Map<string, Map<E, CallCounters>>();

  constructor(endpoints: Readonly<Record<E, EndpointInfo>>) {
    this.#endpoints = endpoints;
  }

  /** Counts once in the endpoint's totals and, when `stream` is given, once for that stream. */
  count(endpoint: E, kind: CounterKind, stream?: string): void {
    this.#counters(this.#totals, endpoint)[kind]++;
    if (stream === undefined) return;
    let perStream = this.#byStream.get(stream);
    if (perStream === undefined) {
      perStream = new Map();
      this.#byStream.set(stream, perStream);
    }
    this.#counters(perStream, endpoint)[kind]++;
  }

  /** Every endpoint, counted or not, with its method and path. */
  totals(): Record<string, EndpointInfo & CallCounters> {
    const report: Record<string, EndpointInfo & CallCounters> = {};
    for (const endpoint of Object.keys(this.#endpoints) as E[]) {
      report[endpoint] = { ...this.#endpoints[endpoint], ...(this.#totals.get(endpoint) ?? zero()) };
    }
    return report;
  }

  /** The given endpoints' counters for one stream; zeros where nothing was counted. */
  forStream(stream: string, endpoints: readonly E[]): Record<string, CallCounters> {
    const report: Record<string, CallCounters> = {};
    const perStream = this.#byStream.get(stream);
    for (const endpoint of endpoints) report[endpoint] = { ...(perStream?.get(endpoint) ?? zero()) };
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
