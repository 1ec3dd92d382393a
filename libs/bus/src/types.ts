import type { Codec } from "@riel/schemas";

export type Headers = Readonly<Record<string, string>>;

/** A record to publish: its Avro type name and value, encoded by the bus's codec. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly value: unknown;
  readonly headers?: Headers;
}

/** A decoded record handed to a handler. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly type: string;
  readonly value: unknown;
  readonly headers: Headers;
  /** 1 on the first try in this process; grows with each retry. */
  readonly attempt: number;
}

/**
 * What a handler asks the bus to do once it returns: publish these records. The bus
 * publishes them, waits for the broker's acknowledgement, and only then counts the
 * incoming record as done.
 */
export interface HandlerResult {
  readonly publish?: readonly OutgoingRecord[];
}

export type Handler = (record: IncomingRecord) => Promise<HandlerResult | void>;

/** Thrown by a handler for a record that no retry can fix: it goes straight to the dead-letter topic. */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
}

export interface RetryPolicy {
  /** Tries in all, the first included, before a record is dead-lettered. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

export interface SubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly handler: Handler;
  /** Records of different keys in one partition handled at once; same-key records never overlap. */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Hand records over undecoded (`type` is "raw", `value` the bytes): for dead-letter
   * tooling and tests, which must read records the codec refuses.
   */
  readonly raw?: boolean;
  /** Where dead letters go; defaults to `<topic>.dlq`. */
  readonly deadLetterTopic?: (sourceTopic: string) => string;
}

export interface Subscription {
  /** Finishes records in flight, commits, and leaves the group. */
  stop(): Promise<void>;
  /**
   * Simulates a crash: drops records in flight without committing them, as a killed
   * process would. Tests use it; a service never should.
   */
  kill(): Promise<void>;
}

export interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
}

export interface Bus {
  /** Creates missing topics (and their dead-letter topics) and prepares the codec. */
  start(topics: readonly TopicConfig[]): Promise<void>;
  /** Resolves once the broker holds the record durably. Close-together calls share one batch. */
  publish(topic: string, key: string, record: { readonly type: string; readonly value: unknown }, headers?: Headers): Promise<void>;
  /** Publishes bytes as they are, for tests of records the codec would never write. */
  publishRaw(topic: string, key: string, value: Buffer, headers?: Headers): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

/** Headers the bus sets on a dead letter. */
export const deadLetterHeaders = {
  reason: "riel-dlq-reason",
  sourceTopic: "riel-dlq-source-topic",
  partition: "riel-dlq-partition",
  offset: "riel-dlq-offset",
  attempts: "riel-dlq-attempts",
  failedAt: "riel-dlq-failed-at",
} as const;

export const defaultDeadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Bytes as they travel on a transport. */
export interface RawRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Headers;
}

export interface RawIncoming extends RawRecord {
  readonly partition: number;
  readonly offset: number;
}

export interface BusDeps {
  readonly codec: Codec;
}
