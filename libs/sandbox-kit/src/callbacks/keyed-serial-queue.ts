import { setTimeout as sleep } from "node:timers/promises";

export type Task = (signal: AbortSignal) => Promise<void> | void;

/**
 * Runs tasks one after another per key (an order, a transaction), keys independently of
 * each other. idle() resolves once nothing is queued or running, which is how
 * tests wait for callbacks instead of sleeping.
 */
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #signal: AbortSignal;
  readonly #onError: (error: unknown) => void;

  constructor(options: { signal: AbortSignal; onError: (error: unknown) => void }) {
    this.#signal = options.signal;
    this.#onError = options.onError;
  }

  /** Appends a task to `key`'s line; it starts `delayMs` after the previous task of that key ends. */
  push(key: string, delayMs: number, task: Task): void {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const signal = this.#signal;
    const run = previous.then(async () => {
      if (signal.aborted) return;
      try {
        if (delayMs > 0) await sleep(delayMs, undefined, { signal });
        await task(signal);
      } catch (error) {
        if (!signal.aborted) this.#onError(error);
      }
    });
    this.#tails.set(key, run);
    this.#pending.add(run);
    void run.finally(() => {
      this.#pending.delete(run);
      if (this.#tails.get(key) === run) this.#tails.delete(key);
    });
  }

  get size(): number {
    return this.#pending.size;
  }

  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
