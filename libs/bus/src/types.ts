import type { Codec } from "@riel/schemas";

export type Headers = Readonly<Record<string, string>>;

/** A record's Avro type (full name) and value, as handlers see it and publishers give it. */
export interface RecordBody {
  readonly type: string;
  readonly value: unknown;
}

/**
 * Topic names and the records each carries (a discriminated union on `type`). Riel's bus is
 * typed with `RielTopics` from @riel/schemas, so publishing a record to a topic that does not
 * carry it fails to compile, and handlers switch over exactly the records of their topics.
 */
export type TopicMap = { readonly [topic: string]: RecordBody };
export type AnyTopics = Record<string, RecordBody>;

/** A record to publish: its Avro type name and value, encoded by the bus's codec. */
export type OutgoingRecord<M extends TopicMap = AnyTopics> = {
  [T in keyof M & string]: { readonly topic: T; readonly key: string; readonly headers?: Headers } & M[T];
}[keyof M & string];

/** Where a record was read from, and how often it was tried. */
export interface RecordMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly headers: Headers;
  /** 1 on the first try in this process; grows with each retry. */
  readonly attempt: number;
}

/** A decoded record handed to a handler; `type` narrows `value`. */
export type IncomingRecord<R extends RecordBody = RecordBody> = RecordMeta & R;

/** Undecoded bytes, for dead-letter tooling and tests of records the codec refuses. */
export type RawBody = { readonly type: "raw"; readonly value: Buffer };

/**
 * What a handler asks the bus to do once it returns: publish these records. The bus
 * publishes them, waits for the broker's acknowledgement, and only then counts the
 * incoming record as done.
 */
export interface HandlerResult<M extends TopicMap = AnyTopics> {
  readonly publish?: readonly OutgoingRecord<M>[];
}

export type Handler<R extends RecordBody = RecordBody, M extends TopicMap = AnyTopics> = (record: IncomingRecord<R>) => Promise<HandlerResult<M> | void>;

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

export interface SubscribeOptions<M extends TopicMap = AnyTopics, T extends keyof M & string = keyof M & string> {
  readonly group: string;
  readonly topics: readonly T[];
  readonly handler: Handler<M[T], M>;
  /** Records of different keys in one partition handled at once; same-key records never overlap. */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Where dead letters go; defaults to `<topic>.dlq`. */
  readonly deadLetterTopic?: (sourceTopic: string) => string;
  /**
   * Where a group that has committed nothing yet starts: every record kept ("earliest", the
   * default: a new service must see what came before it), or only what arrives from now on
   * ("latest": a live feed, such as the dashboard's, that shows news and not history).
   */
  readonly startAt?: "earliest" | "latest";
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

/** How one try at a record ended: handled, failed and to be tried again, or failed for good and dead-lettered. */
export type RecordOutcome = "ok" | "retried" | "dead_lettered";

/** Why a record went to its dead-letter topic. */
export type DeadLetterCause = "undecodable" | "permanent" | "attempts_exhausted";

/** A subscription's consumer group, and whether this bus is a member of it now. */
export interface Membership {
  readonly group: string;
  readonly member: boolean;
  /** Why not, when not. */
  readonly detail: string | null;
}

/**
 * What a bus reports as it works, for metrics. Every hook is optional and called synchronously:
 * it must be quick and must not throw. The bus itself depends on no metrics library.
 */
export interface BusObserver {
  /** One try at a record ended, after `seconds` (decode, handler, and publishing what it asked for). */
  recordHandled?(event: { readonly group: string; readonly topic: string; readonly outcome: RecordOutcome; readonly seconds: number }): void;
  /** A record was written to its dead-letter topic. */
  deadLettered?(event: { readonly group: string; readonly topic: string; readonly cause: DeadLetterCause }): void;
  /**
   * Records of a partition not handled yet: the end of the partition minus the offset this group
   * will resume from. null when the partition is no longer this consumer's (given to another, or stopped).
   */
  consumerLag?(event: { readonly group: string; readonly topic: string; readonly partition: number; readonly lag: number | null }): void;
  /** This bus joined its group, or is no longer in it. */
  membership?(event: Membership): void;
}

export interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
  /** Broker settings of the topic when it is created (e.g. `retention.ms`); a topic that exists keeps its own. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface Bus<M extends TopicMap = AnyTopics> {
  /** Creates missing topics (and their dead-letter topics) and prepares the codec. */
  start(topics: readonly TopicConfig[]): Promise<void>;
  /** Resolves once the broker holds the record durably. Close-together calls share one batch. */
  publish<T extends keyof M & string>(topic: T, key: string, record: M[T], headers?: Headers): Promise<void>;
  /** Publishes bytes as they are, for tests of records the codec would never write. */
  publishRaw(topic: string, key: string, value: Buffer, headers?: Headers): Promise<void>;
  subscribe<T extends keyof M & string>(options: SubscribeOptions<M, T>): Promise<Subscription>;
  /** Hands records over undecoded: for dead-letter tooling and tests, which must read records the codec refuses. */
  subscribeRaw(options: Omit<SubscribeOptions, "handler"> & { readonly handler: Handler<RawBody> }): Promise<Subscription>;
  /** Resolves when the broker answers (at once, in memory); rejects with why not. Callers bound the wait. */
  probe(): Promise<void>;
  /** The consumer group of each subscription made on this bus, and whether it is a member now. */
  memberships(): readonly Membership[];
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
  /** The consumer group that gave up on it: every group reading a topic dead-letters a bad record once. */
  group: "riel-dlq-group",
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
