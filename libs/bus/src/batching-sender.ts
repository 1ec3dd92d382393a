import type { RawRecord } from "./types.js";

interface Pending {
  readonly records: readonly RawRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends records that arrive close together in one request, with one request in flight at a
 * time. kafkajs neither batches across send() calls nor keeps an idempotent producer's
 * sequence numbers in order under concurrent sends; one request at a time does both.
 * While a request is in flight, new records gather for the next one.
 */
export class BatchingSender {
  #queue: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly sendBatch: (records: readonly RawRecord[]) => Promise<void>,
    private readonly maxRecords = 1000,
  ) {}

  send(records: readonly RawRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Let callers in the same tick join the first batch.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (batch.length === 0 || count + (this.#queue[0] as Pending).records.length <= this.maxRecords)) {
        const next = this.#queue.shift() as Pending;
        batch.push(next);
        count += next.records.length;
      }
      try {
        await this.sendBatch(batch.flatMap((p) => p.records));
        for (const p of batch) p.resolve();
      } catch (error) {
        // Fail what waits too, so a later record of a key is never written before an earlier failed one.
        const failed = [...batch, ...this.#queue];
        this.#queue = [];
        for (const p of failed) p.reject(error);
      }
    }
    this.#flushing = false;
  }
}
