import { setTimeout as sleep } from "node:timers/promises";
import type { CallbackFaultKind } from "../faults/fault-profile.js";
import type { CallbackSigner } from "./hmac-signature.js";
import { KeyedSerialQueue } from "./keyed-serial-queue.js";
import type { PostJson } from "./post-json.js";

export interface RetryPolicy {
  /** Attempts per callback, first one included. */
  readonly maxAttempts: number;
  /** Wait before the 2nd attempt; doubles per attempt up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long one attempt may take before it counts as failed. */
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  attemptTimeoutMs: 5_000,
};

/** DEFAULT_RETRY_POLICY with `partial` laid over it, each field checked; errors name `${name}.field`. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}, name = "retry"): RetryPolicy {
  const retry = { ...DEFAULT_RETRY_POLICY, ...partial };
  checkNonNegativeInteger(`${name}.baseDelayMs`, retry.baseDelayMs);
  checkNonNegativeInteger(`${name}.maxDelayMs`, retry.maxDelayMs);
  if (checkNonNegativeInteger(`${name}.maxAttempts`, retry.maxAttempts) < 1) throw new TypeError(`${name}.maxAttempts must be at least 1`);
  if (checkNonNegativeInteger(`${name}.attemptTimeoutMs`, retry.attemptTimeoutMs) < 1) {
    throw new TypeError(`${name}.attemptTimeoutMs must be at least 1`);
  }
  return retry;
}

/** Returns `value`, or throws a TypeError naming the option. */
export function checkNonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** "dropped": never sent, an injected fault (see faults/). */
export type DeliveryState = "pending" | "delivered" | "failed" | "dropped";

export interface CallbackRecord {
  readonly sequence: number;
  /** What the callback announces, e.g. "preview" or a status. */
  readonly label: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  /** Injected faults that shaped this delivery; absent when none did. */
  readonly faults?: readonly CallbackFaultKind[];
}

export interface DispatchOptions {
  /** Wait before the first attempt, after the stream's previous callback is done. Default 0. */
  readonly delayMs?: number;
  /** Injected faults to show on the record. */
  readonly faults?: readonly CallbackFaultKind[];
}

export interface CallbackTotals {
  enqueued: number;
  delivered: number;
  failed: number;
  attempts: number;
}

export interface OutgoingCallback {
  readonly url: string;
  readonly label: string;
  /** Serialised JSON, sent byte for byte. */
  readonly body: string;
}

export interface CallbackDispatcherOptions {
  readonly post: PostJson;
  readonly retry: RetryPolicy;
  /** Adds headers to each attempt (e.g. a signature); none when absent. */
  readonly sign?: CallbackSigner;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  readonly onError: (error: unknown) => void;
  /** Told when a callback has used up its attempts. */
  readonly onGiveUp?: (stream: string, record: CallbackRecord) => void;
}

/**
 * Delivers callbacks per stream (an order, a transaction) strictly in the
 * order they were dispatched: a callback is not sent before the previous one
 * of its stream is delivered or has used up its attempts. Streams do not wait
 * for each other.
 */
export class CallbackDispatcher {
  readonly #options: CallbackDispatcherOptions;
  readonly #queue: KeyedSerialQueue;
  readonly #records = new Map<string, CallbackRecord[]>();
  readonly #totals: CallbackTotals = { enqueued: 0, delivered: 0, failed: 0, attempts: 0 };
  #sequence = 0;

  constructor(options: CallbackDispatcherOptions) {
    this.#options = options;
    this.#queue = new KeyedSerialQueue({ signal: options.signal, onError: options.onError });
  }

  dispatch(stream: string, callback: OutgoingCallback, options: DispatchOptions = {}): void {
    const faults = options.faults ?? [];
    const index = this.#append(stream, {
      sequence: ++this.#sequence,
      label: callback.label,
      state: "pending",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      ...(faults.length > 0 ? { faults: [...faults] } : {}),
    });
    this.#totals.enqueued++;
    this.#queue.push(stream, options.delayMs ?? 0, (signal) => this.#deliver(stream, index, callback, signal));
  }

  /** Records a callback that is never sent (an injected drop); not counted as enqueued. */
  drop(stream: string, callback: OutgoingCallback): void {
    this.#append(stream, {
      sequence: ++this.#sequence,
      label: callback.label,
      state: "dropped",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      faults: ["dropCallback"],
    });
  }

  records(stream: string): CallbackRecord[] {
    return [...(this.#records.get(stream) ?? [])];
  }

  totals(): CallbackTotals {
    return { ...this.#totals };
  }

  get busy(): boolean {
    return this.#queue.size > 0;
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #deliver(stream: string, index: number, callback: OutgoingCallback, signal: AbortSignal): Promise<void> {
    const { retry, post, sign, now } = this.#options;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      if (signal.aborted) return;
      const headers = sign === undefined ? {} : sign(callback.body, now());
      this.#totals.attempts++;
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        statusCode = (await post(callback.url, callback.body, headers, { timeoutMs: retry.attemptTimeoutMs, signal })).statusCode;
      } catch (cause) {
        if (signal.aborted) return;
        error = cause instanceof Error ? cause.message : String(cause);
      }
      const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
      const last = attempt === retry.maxAttempts;
      this.#update(stream, index, {
        attempts: attempt,
        lastStatusCode: statusCode,
        lastError: error,
        state: delivered ? "delivered" : last ? "failed" : "pending",
      });
      if (delivered) {
        this.#totals.delivered++;
        return;
      }
      if (last) {
        this.#totals.failed++;
        const record = this.#records.get(stream)?.[index];
        if (record !== undefined) this.#options.onGiveUp?.(stream, record);
        return;
      }
      const wait = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
      if (wait > 0) await sleep(wait, undefined, { signal });
    }
  }

  #append(stream: string, record: CallbackRecord): number {
    let list = this.#records.get(stream);
    if (list === undefined) {
      list = [];
      this.#records.set(stream, list);
    }
    list.push(record);
    return list.length - 1;
  }

  #update(stream: string, index: number, changes: Partial<CallbackRecord>): void {
    const list = this.#records.get(stream);
    const current = list?.[index];
    if (list === undefined || current === undefined) return;
    list[index] = { ...current, ...changes };
  }
}
