import type { Admin, Consumer, IHeaders, Producer } from "kafkajs";
import { Kafka, logLevel } from "kafkajs";
import { BatchingSender } from "../batching-sender.js";
import type { Transport, TransportSubscribeOptions, TransportSubscription } from "../core.js";
import type { Headers, RawRecord, TopicConfig } from "../types.js";
import { Aborted, PartitionWorker } from "../worker/index.js";

export interface KafkaTransportOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly log?: (line: string) => void;
  /** Partitions of one consumer handled at once. */
  readonly partitionsConsumedConcurrently?: number;
  /** Replication factor for topics this transport creates. */
  readonly replicationFactor?: number;
}

function readHeaders(headers: IHeaders | undefined): Headers {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

export function createKafkaTransport(options: KafkaTransportOptions): Transport {
  const log = options.log ?? (() => {});
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      if (entry.level <= logLevel.WARN) log(`kafkajs ${entry.namespace}: ${entry.log.message}`);
    },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  let producer: Producer | undefined;
  let admin: Admin | undefined;
  const consumers = new Set<Consumer>();

  const connectedProducer = async (): Promise<Producer> => {
    if (!producer) {
      // Idempotent with one request in flight: the broker drops a retried duplicate and keeps order.
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
    }
    return producer;
  };
  let connecting: Promise<Producer> | undefined;

  const sender = new BatchingSender(async (records: readonly RawRecord[]) => {
    connecting ??= connectedProducer();
    const p = await connecting;
    const byTopic = new Map<string, Array<{ key: string; value: Buffer; headers: Record<string, string> }>>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: r.value, headers: { ...r.headers } });
      byTopic.set(r.topic, list);
    }
    await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  });

  return {
    async createTopics(topics: readonly TopicConfig[]) {
      admin ??= kafka.admin();
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: options.replicationFactor ?? 1 })),
        });
      }
    },

    send: (records) => sender.send(records),

    async subscribe(sub: TransportSubscribeOptions): Promise<TransportSubscription> {
      const consumer = kafka.consumer({
        groupId: sub.group,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: 250,
      });
      consumers.add(consumer);
      let killed = false;
      const workers = new Set<PartitionWorker>();
      await consumer.connect();
      await consumer.subscribe({ topics: [...sub.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const { topic, partition } = batch;
          // Commits run one at a time, each carrying the newest safe offset.
          let wanted: number | undefined;
          let committed: number | undefined;
          let committing: Promise<void> | undefined;
          const commitLoop = async (): Promise<void> => {
            while (!killed && wanted !== undefined && wanted !== committed) {
              const offset = wanted;
              await consumer.commitOffsets([{ topic, partition, offset: String(offset) }]);
              committed = offset;
              await heartbeat();
            }
          };
          const worker = new PartitionWorker(sub.concurrency, sub.process, (next) => {
            if (killed) return;
            resolveOffset(String(next - 1));
            wanted = next;
            committing ??= commitLoop().finally(() => {
              committing = undefined;
            });
          });
          workers.add(worker);
          try {
            for (const message of batch.messages) {
              if (!isRunning() || isStale() || killed) break;
              await worker.waitForCapacity(sub.concurrency * 4);
              worker.push({
                topic,
                partition,
                offset: Number(message.offset),
                key: message.key?.toString() ?? "",
                value: message.value ?? Buffer.alloc(0),
                headers: readHeaders(message.headers),
              });
            }
            await worker.drain();
            while (committing) await committing;
            await commitLoop();
          } catch (error) {
            if (!(error instanceof Aborted)) throw error;
          } finally {
            workers.delete(worker);
          }
        },
      });
      return {
        async stop() {
          await consumer.stop();
          await consumer.disconnect();
          consumers.delete(consumer);
        },
        async kill() {
          killed = true;
          for (const w of workers) w.abort(new Aborted("subscription killed"));
          await consumer.disconnect();
          consumers.delete(consumer);
        },
      };
    },

    async close() {
      await Promise.all([...consumers].map((c) => c.disconnect()));
      consumers.clear();
      if (connecting) await (await connecting).disconnect();
      if (admin) await admin.disconnect();
    },
  };
}
