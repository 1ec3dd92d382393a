/** setTimeout's ceiling; longer delays would fire at once. */
export const MAX_DEADLINE_MS = 2_147_483_647;

/**
 * One cancellable timer per key: an order's expiry, a transaction's
 * expiration time. Setting a key again replaces its timer. Timers do not keep
 * the process alive, and all stop when the signal aborts.
 *
 * Unlike the timeline, nothing waits for deadlines (a sandbox's idle() would
 * otherwise wait minutes): a deadline that fires queues its effects on the
 * timeline, and idle() covers them from then on.
 */
export class Deadlines {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #signal: AbortSignal;
  readonly #onError: (error: unknown) => void;

  constructor(options: { readonly signal: AbortSignal; readonly onError: (error: unknown) => void }) {
    this.#signal = options.signal;
    this.#onError = options.onError;
    this.#signal.addEventListener("abort", () => this.#clear(), { once: true });
  }

  /** Runs `task` once, `delayMs` from now, unless cancelled, replaced or the signal aborts first. */
  set(key: string, delayMs: number, task: () => void): void {
    if (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > MAX_DEADLINE_MS) {
      throw new RangeError(`deadline delay must be an integer from 0 to ${MAX_DEADLINE_MS} ms, got ${delayMs}`);
    }
    this.cancel(key);
    if (this.#signal.aborted) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      try {
        task();
      } catch (error) {
        this.#onError(error);
      }
    }, delayMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** True when a pending deadline was cancelled. */
  cancel(key: string): boolean {
    const timer = this.#timers.get(key);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.#timers.delete(key);
    return true;
  }

  has(key: string): boolean {
    return this.#timers.has(key);
  }

  get size(): number {
    return this.#timers.size;
  }

  #clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
