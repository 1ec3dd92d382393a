import { setTimeout as delay } from "node:timers/promises";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Codec } from "@riel/schemas";
import { DecodeError } from "@riel/schemas";
import type { DeadLetterCause, Handler, Headers, OutgoingRecord, RawIncoming, RawRecord, RecordOutcome, RetryPolicy } from "../types.js";
import { deadLetterHeaders, PermanentError } from "../types.js";

/** Raised inside a worker when its subscription is killed: the record is dropped, not committed. */
export class Aborted extends Error {
  override readonly name = "Aborted";
}

/**
 * Runs one partition's records: same-key records strictly in order, different keys up to
 * `concurrency` at once, and reports the offset that is safe to commit (one past the last
 * record below which everything is finished) so a commit never passes an unfinished record.
 */
export class PartitionWorker {
  readonly #queues = new Map<string, RawIncoming[]>();
  readonly #ready: string[] = [];
  #running = 0;
  readonly #offsets: number[] = [];
  readonly #done = new Set<number>();
  #head = 0;
  #watermark: number | undefined;
  #failure: unknown;
  #idle: Array<() => void> = [];
  #capacity: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly process: (record: RawIncoming) => Promise<void>,
    private readonly onAdvance: (nextOffset: number) => void,
  ) {}

  /** Records pushed but not finished, queued ones included. */
  get pending(): number {
    return this.#offsets.length - this.#head;
  }

  /** The next offset to commit, if any record finished. */
  get watermark(): number | undefined {
    return this.#watermark;
  }

  push(record: RawIncoming): void {
    this.#offsets.push(record.offset);
    const queue = this.#queues.get(record.key);
    if (queue) {
      queue.push(record);
    } else {
      this.#queues.set(record.key, [record]);
      this.#ready.push(record.key);
    }
    this.#pump();
  }

  /** Resolves when fewer than `limit` records are pending, so a reader does not run ahead. */
  async waitForCapacity(limit: number): Promise<void> {
    while (this.pending >= limit && this.#failure === undefined) {
      await new Promise<void>((resolve) => this.#capacity.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Resolves when every pushed record is finished; rejects if one failed for good (a kill). */
  async drain(): Promise<void> {
    while (this.pending > 0 && this.#failure === undefined) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Stops at once, as a crash would: waiters reject, nothing more is reported as done. */
  abort(error: unknown): void {
    this.#failure ??= error;
    this.#wake();
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#ready.length > 0 && this.#failure === undefined) {
      const key = this.#ready.shift() as string;
      const record = (this.#queues.get(key) as RawIncoming[])[0] as RawIncoming;
      this.#running++;
      this.process(record).then(
        () => this.#finish(key, record.offset),
        (error: unknown) => this.#fail(error),
      );
    }
  }

  #finish(key: string, offset: number): void {
    this.#running--;
    if (this.#failure !== undefined) return;
    const queue = this.#queues.get(key) as RawIncoming[];
    queue.shift();
    if (queue.length > 0) this.#ready.push(key);
    else this.#queues.delete(key);
    this.#done.add(offset);
    let advanced = false;
    while (this.#head < this.#offsets.length && this.#done.has(this.#offsets[this.#head] as number)) {
      const finished = this.#offsets[this.#head] as number;
      this.#done.delete(finished);
      this.#watermark = finished + 1;
      this.#head++;
      advanced = true;
    }
    if (this.#head > 1024) {
      this.#offsets.splice(0, this.#head);
      this.#head = 0;
    }
    if (advanced) this.onAdvance(this.#watermark as number);
    this.#wake();
    this.#pump();
  }

  #fail(error: unknown): void {
    this.#running--;
    this.#failure ??= error;
    this.#wake();
  }

  #wake(): void {
    const waiting = [...this.#capacity, ...(this.pending === 0 || this.#failure !== undefined ? this.#idle : [])];
    this.#capacity = [];
    if (this.pending === 0 || this.#failure !== undefined) this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}

export interface ProcessorDeps {
  readonly codec: Codec;
  /** The consumer group, named on each try's span. */
  readonly group?: string;
  readonly handler: Handler;
  readonly retry: RetryPolicy;
  readonly deadLetterTopic: (topic: string) => string;
  /** Publishes encoded records; resolves when the broker acknowledged them. */
  readonly send: (records: readonly RawRecord[]) => Promise<void>;
  readonly encode: (record: OutgoingRecord) => Promise<RawRecord>;
  readonly isKilled: () => boolean;
  readonly raw: boolean;
  readonly log: (line: string) => void;
  /** Told how each try ended and what was dead-lettered, for metrics. */
  readonly observe?: {
    attempt(topic: string, outcome: RecordOutcome, seconds: number): void;
    deadLettered(topic: string, cause: DeadLetterCause): void;
  };
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Decode, handle, publish what the handler asked for, and dead-letter what cannot succeed.
 * Resolves only once every effect is durable; the caller then may commit the offset.
 */
export function createProcessor(deps: ProcessorDeps): (record: RawIncoming) => Promise<void> {
  const backoff = (attempt: number): number => Math.min(deps.retry.maxDelayMs, deps.retry.initialDelayMs * 2 ** (attempt - 1));
  const checkKilled = (): void => {
    if (deps.isKilled()) throw new Aborted("subscription killed");
  };

  /**
   * A record leaves its partition only once it is durable somewhere: a dead letter that
   * cannot be written is retried until it is (or the subscription ends), never skipped.
   */
  const deadLetter = async (record: RawIncoming, reason: string, attempts: number, cause: DeadLetterCause): Promise<void> => {
    const headers: Headers = {
      ...record.headers,
      [deadLetterHeaders.reason]: reason.slice(0, 1000),
      [deadLetterHeaders.sourceTopic]: record.topic,
      [deadLetterHeaders.partition]: String(record.partition),
      [deadLetterHeaders.offset]: String(record.offset),
      [deadLetterHeaders.attempts]: String(attempts),
      [deadLetterHeaders.failedAt]: new Date().toISOString(),
      ...(deps.group === undefined ? {} : { [deadLetterHeaders.group]: deps.group }),
    };
    for (let tries = 1; ; tries++) {
      checkKilled();
      try {
        await deps.send([{ topic: deps.deadLetterTopic(record.topic), key: record.key, value: record.value, headers }]);
        deps.log(`dead-lettered ${record.topic}/${record.partition}@${record.offset} after ${attempts} attempt(s): ${reason}`);
        deps.observe?.deadLettered(record.topic, cause);
        return;
      } catch (error) {
        deps.log(`dead letter for ${record.topic}/${record.partition}@${record.offset} not written (try ${tries}): ${describe(error)}`);
        await delay(backoff(Math.min(tries, 16)));
      }
    }
  };

  return async (record) => {
    // The trace the record was published in (its `traceparent` header); each try is a consumer
    // span in it, and the records the handler publishes carry that span as their parent.
    const parent = propagation.extract(ROOT_CONTEXT, record.headers);
    for (let attempt = 1; ; attempt++) {
      checkKilled();
      const started = performance.now();
      const ended = (outcome: RecordOutcome): void => deps.observe?.attempt(record.topic, outcome, (performance.now() - started) / 1000);
      const span = trace.getTracer("@riel/bus").startSpan(
        `process ${record.topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": record.topic,
            "messaging.destination.partition.id": String(record.partition),
            "messaging.kafka.offset": record.offset,
            "messaging.kafka.message.key": record.key,
            ...(deps.group === undefined ? {} : { "messaging.consumer.group.name": deps.group }),
            "riel.attempt": attempt,
          },
        },
        parent,
      );
      try {
        await context.with(trace.setSpan(parent, span), async () => {
          // Decoding sits inside the retry loop: a registry that cannot be reached is a passing fault.
          const decoded = deps.raw ? { type: "raw", value: record.value as unknown } : await deps.codec.decode(record.topic, record.value);
          const result = await deps.handler({ ...record, type: decoded.type, value: decoded.value, attempt });
          checkKilled();
          const outgoing = result?.publish ?? [];
          if (outgoing.length > 0) await deps.send(await Promise.all(outgoing.map(deps.encode)));
        });
        span.end();
        ended("ok");
        return;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
        span.end();
        if (error instanceof Aborted) throw error;
        checkKilled();
        const permanent = error instanceof PermanentError || error instanceof DecodeError;
        if (permanent || attempt >= deps.retry.maxAttempts) {
          ended("dead_lettered");
          await deadLetter(record, describe(error), attempt, error instanceof DecodeError ? "undecodable" : permanent ? "permanent" : "attempts_exhausted");
          return;
        }
        ended("retried");
        deps.log(`retrying ${record.topic}/${record.partition}@${record.offset} in ${backoff(attempt)} ms after attempt ${attempt}: ${describe(error)}`);
        await delay(backoff(attempt));
      }
    }
  };
}
