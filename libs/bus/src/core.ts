import { context, propagation } from "@opentelemetry/api";
import type { Codec } from "@riel/schemas";
import type {
  AnyTopics,
  Bus,
  BusObserver,
  Handler,
  Headers,
  Membership,
  OutgoingRecord,
  RawIncoming,
  RawRecord,
  RecordBody,
  SubscribeOptions,
  Subscription,
  TopicConfig,
  TopicMap,
} from "./types.js";
import { defaultDeadLetterTopic, defaultRetry } from "./types.js";
import { createProcessor } from "./worker/index.js";

export interface TransportSubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly concurrency: number;
  readonly process: (record: RawIncoming) => Promise<void>;
  /** Records of a partition not handled yet; null once the partition is no longer this consumer's. */
  readonly onLag?: (topic: string, partition: number, lag: number | null) => void;
  /** The consumer joined its group (true) or left it, crashed or was stopped (false, with why). */
  readonly onMembership?: (member: boolean, detail: string | null) => void;
  /** Where a group with nothing committed starts (SubscribeOptions.startAt); "earliest" when absent. */
  readonly startAt?: "earliest" | "latest";
}

export interface TransportSubscription {
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** What a broker adapter provides; the bus adds codec, retries, dead letters and outgoing records. */
export interface Transport {
  createTopics(topics: readonly TopicConfig[]): Promise<void>;
  send(records: readonly RawRecord[]): Promise<void>;
  subscribe(options: TransportSubscribeOptions): Promise<TransportSubscription>;
  close(): Promise<void>;
  /** Resolves when the broker answers; a transport without one (in memory) is always there. */
  probe?(): Promise<void>;
}

export interface BusOptions {
  readonly transport: Transport;
  readonly codec: Codec;
  readonly log?: (line: string) => void;
  /** Records handled at once per partition when a subscription does not say. */
  readonly defaultConcurrency?: number;
  /** Told what the bus does (records handled, dead letters, lag, membership), for metrics. */
  readonly observer?: BusObserver;
}

export const DEFAULT_CONCURRENCY = 16;

/**
 * The active trace context as record headers (`traceparent`, `tracestate`), under the headers
 * the publisher gave, which win. Nothing is added when no trace is active.
 */
function withTraceContext(headers: Headers): Headers {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length === 0 ? headers : { ...carrier, ...headers };
}

/**
 * The bus, typed by the topics it is used with (`createBus<RielTopics>`). The codec checks at
 * run time what the types promise: a record is encoded only on a topic that carries its type,
 * and decoded only into a type its topic carries.
 */
export function createBus<M extends TopicMap = AnyTopics>(options: BusOptions): Bus<M> {
  const { transport, codec } = options;
  const log = options.log ?? (() => {});
  const observer = options.observer ?? {};
  const subscriptions = new Set<Subscription>();
  const memberships = new Map<string, Membership>();
  const setMembership = (membership: Membership): void => {
    memberships.set(membership.group, membership);
    observer.membership?.(membership);
  };

  const encode = async (record: OutgoingRecord): Promise<RawRecord> => ({
    topic: record.topic,
    key: record.key,
    value: await codec.encode(record.topic, record.type, record.value),
    headers: withTraceContext(record.headers ?? {}),
  });

  return {
    async start(topics: readonly TopicConfig[]) {
      await codec.start();
      // Dead letters are kept until someone deals with them: a letter that expired unseen would be a payment lost.
      await transport.createTopics(topics.flatMap((t) => [t, { name: defaultDeadLetterTopic(t.name), partitions: t.partitions, settings: { "retention.ms": "-1" } }]));
    },
    async publish(topic: string, key: string, record: RecordBody, headers?: Headers) {
      await transport.send([await encode({ topic, key, type: record.type, value: record.value, headers: headers ?? {} })]);
    },
    async publishRaw(topic: string, key: string, value: Buffer, headers?: Headers) {
      await transport.send([{ topic, key, value, headers: headers ?? {} }]);
    },
    subscribe: (sub) => subscribe(sub as unknown as SubscribeOptions, false),
    subscribeRaw: (sub) => subscribe({ ...sub, handler: sub.handler as unknown as Handler }, true),
    async probe() {
      await transport.probe?.();
    },
    memberships: () => [...memberships.values()],
    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await transport.close();
    },
  };

  // Handlers are typed by their topics' records; here they meet the codec, which decodes only
  // records their topics carry, so the untyped view is safe inside this function.
  async function subscribe(sub: SubscribeOptions, raw: boolean): Promise<Subscription> {
      let killed = false;
      const process = createProcessor({
        codec,
        group: sub.group,
        handler: sub.handler,
        retry: { ...defaultRetry, ...sub.retry },
        deadLetterTopic: sub.deadLetterTopic ?? defaultDeadLetterTopic,
        send: (records) => transport.send(records),
        encode,
        isKilled: () => killed,
        raw,
        log,
        observe: {
          attempt: (topic, outcome, seconds) => observer.recordHandled?.({ group: sub.group, topic, outcome, seconds }),
          deadLettered: (topic, cause) => observer.deadLettered?.({ group: sub.group, topic, cause }),
        },
      });
      const inner = await transport.subscribe({
        group: sub.group,
        topics: sub.topics,
        concurrency: sub.concurrency ?? options.defaultConcurrency ?? DEFAULT_CONCURRENCY,
        process,
        onLag: (topic, partition, lag) => observer.consumerLag?.({ group: sub.group, topic, partition, lag }),
        onMembership: (member, detail) => setMembership({ group: sub.group, member, detail }),
        startAt: sub.startAt,
      });
      const left = (): void => setMembership({ group: sub.group, member: false, detail: "subscription stopped" });
      const subscription: Subscription = {
        async stop() {
          subscriptions.delete(subscription);
          await inner.stop();
          left();
        },
        async kill() {
          killed = true;
          subscriptions.delete(subscription);
          await inner.kill();
          left();
        },
      };
      subscriptions.add(subscription);
      return subscription;
  }
}
