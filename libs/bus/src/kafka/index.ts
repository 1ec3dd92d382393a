import type { Admin, Consumer, IHeaders, Producer } from "kafkajs";
import { setTimeout as delay } from "node:timers/promises";
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
  /** How long the group waits for a silent member before giving its partitions to others. */
  readonly sessionTimeoutMs?: number;
  /**
   * How long finished offsets wait to be committed together, in one request for every partition
   * of the subscription (default 500 ms). Committing late is safe: what a crash leaves
   * uncommitted is delivered again, and handlers are idempotent; stop() commits before leaving.
   */
  readonly commitIntervalMs?: number;
}

const DEFAULT_COMMIT_INTERVAL_MS = 500;

function readHeaders(headers: IHeaders | undefined): Headers {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

/** Tries of createTopics; kafkajs already retries each request inside one try. */
const TOPIC_ATTEMPTS = 6;

interface KafkaErrorShape {
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly errors?: unknown;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { errors } = error as KafkaErrorShape;
  return Array.isArray(errors) ? `${error.message}: ${errors.map((e) => errorText(e)).join("; ")}` : error.message;
}

function onlyTopicsAlreadyExist(error: unknown): boolean {
  const { errors } = (error ?? {}) as KafkaErrorShape;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => (e as KafkaErrorShape | null)?.type === "TOPIC_ALREADY_EXISTS");
}

/**
 * kafkajs marks what asking again may fix; when its own retries ran out, the mark is on the cause.
 * A CreateTopics answer collects one error per topic, and a mix of "exists" and retriable ones is retriable.
 */
function retriable(error: unknown): boolean {
  const { errors } = (error ?? {}) as KafkaErrorShape;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.every((e) => (e as KafkaErrorShape | null)?.type === "TOPIC_ALREADY_EXISTS" || retriable(e));
  }
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as KafkaErrorShape).retriable === true) return true;
  }
  return false;
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
  // Readiness probes ask once and answer at once: kafkajs's own retries would hold a probe for seconds.
  let probeAdmin: Admin | undefined;
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
      const client = (admin ??= kafka.admin());
      const names = topics.map((t) => t.name);
      for (let attempt = 1; ; attempt++) {
        try {
          await client.connect();
          const existing = new Set(await client.listTopics());
          const missing = topics.filter((t) => !existing.has(t.name));
          if (missing.length > 0) {
            try {
              await client.createTopics({
                // Leaders are awaited below for every topic: kafkajs waits only when it created all of them itself.
                waitForLeaders: false,
                topics: missing.map((t) => ({
                  topic: t.name,
                  numPartitions: t.partitions,
                  replicationFactor: options.replicationFactor ?? 1,
                  configEntries: Object.entries(t.settings ?? {}).map(([name, value]) => ({ name, value })),
                })),
              });
            } catch (error) {
              // Services starting together create the same topics; the later ones are told they exist, which is all they wanted.
              if (!onlyTopicsAlreadyExist(error)) throw error;
            }
          }
          // Resolves once every partition has a leader: kafkajs retries LEADER_NOT_AVAILABLE here.
          await client.fetchTopicMetadata({ topics: names });
          return;
        } catch (error) {
          if (!retriable(error) || attempt >= TOPIC_ATTEMPTS) {
            throw new Error(`creating topics ${names.join(", ")} failed after ${attempt} attempt(s): ${errorText(error)}`, { cause: error });
          }
          log(`creating topics: ${errorText(error)}; trying again`);
          // Jitter keeps processes that failed together from retrying together.
          const ceiling = Math.min(5_000, 200 * 2 ** (attempt - 1));
          await delay(ceiling / 2 + Math.random() * (ceiling / 2));
        }
      }
    },

    send: (records) => sender.send(records),

    async subscribe(sub: TransportSubscribeOptions): Promise<TransportSubscription> {
      const consumer = kafka.consumer({
        groupId: sub.group,
        allowAutoTopicCreation: false,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 10_000) / 3)),
        // How long the broker holds a fetch that finds nothing. A record ends the wait at once
        // (minBytes 1), so this costs no latency; it is what an idle consumer spends (4 empty
        // fetches a second at 250 ms, one at 1 s), and stays well inside the heartbeat interval.
        maxWaitTimeInMs: 1_000,
      });
      consumers.add(consumer);
      let killed = false;
      let stopping = false;

      /**
       * One worker per partition, kept across batches: kafkajs fetches a partition's next
       * batch only after eachBatch returns, so eachBatch hands records over and returns,
       * and a slow record does not hold back the other keys of its partition. The fetch
       * position moves as records are handed over; the commit moves only as they finish.
       */
      interface PartitionState {
        readonly topic: string;
        readonly partition: number;
        readonly worker: PartitionWorker;
        nextOffset: number;
        wanted: number | undefined;
        committed: number | undefined;
        /** Whether the group's last assignment gave this partition to this consumer: only then are its offsets committed. */
        assigned: boolean;
        /** Where this group would resume: the last commit, or the first record fetched since the partition became this consumer's. */
        lagFrom: number | undefined;
        /** The partition's end, as the last fetch saw it. */
        highWatermark: number | undefined;
      }
      const partitions = new Map<string, PartitionState>();

      const reportLag = (state: PartitionState): void => {
        if (state.highWatermark !== undefined && state.lagFrom !== undefined) sub.onLag?.(state.topic, state.partition, Math.max(0, state.highWatermark - state.lagFrom));
      };

      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        sub.onMembership?.(true, null);
        // Partitions given to other members are theirs to report now.
        for (const state of partitions.values()) {
          state.assigned = (payload.memberAssignment[state.topic] ?? []).includes(state.partition);
          if (!state.assigned) {
            // Its new owner commits it now: a late commit from here could move the group back.
            state.highWatermark = undefined;
            state.lagFrom = undefined;
            sub.onLag?.(state.topic, state.partition, null);
          }
        }
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        sub.onMembership?.(false, `consumer crashed${payload.restart ? " (restarting)" : ""}: ${errorText(payload.error)}`);
      });
      consumer.on(consumer.events.STOP, () => sub.onMembership?.(false, "consumer stopped"));
      consumer.on(consumer.events.DISCONNECT, () => sub.onMembership?.(false, "consumer disconnected"));

      // Finished offsets of every partition go in one request, at most one in flight, at most
      // every commitIntervalMs: one commit per handled record cost each consumer and the broker a
      // request per record. The commit still never passes an unfinished record (the worker says
      // what is finished), and offsets only grow, so commits in sequence never step back.
      const commitIntervalMs = options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
      let commitTimer: ReturnType<typeof setTimeout> | undefined;
      let commits: Promise<void> = Promise.resolve();
      const commitFinished = async (): Promise<void> => {
        const due = [...partitions.values()].filter((state) => state.assigned && state.wanted !== undefined && state.wanted !== state.committed);
        if (killed || due.length === 0) return;
        const offsets = due.map((state) => ({ topic: state.topic, partition: state.partition, offset: state.wanted as number }));
        try {
          await consumer.commitOffsets(offsets.map((o) => ({ ...o, offset: String(o.offset) })));
          due.forEach((state, i) => {
            const offset = (offsets[i] as { offset: number }).offset;
            state.committed = offset;
            state.lagFrom = offset;
            reportLag(state);
          });
        } catch (error) {
          // Not fatal: what was not committed is delivered again, and handlers are idempotent.
          log(`commit of ${offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(", ")} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const commitNow = (): Promise<void> => {
        if (commitTimer !== undefined) clearTimeout(commitTimer);
        commitTimer = undefined;
        commits = commits.then(commitFinished);
        return commits;
      };
      const scheduleCommit = (): void => {
        if (commitTimer === undefined && !killed) commitTimer = setTimeout(() => void commitNow(), commitIntervalMs);
      };

      const stateOf = (topic: string, partition: number): PartitionState => {
        const id = `${topic}/${partition}`;
        let state = partitions.get(id);
        if (!state) {
          const created: PartitionState = {
            topic,
            partition,
            nextOffset: -1,
            wanted: undefined,
            committed: undefined,
            assigned: true,
            lagFrom: undefined,
            highWatermark: undefined,
            worker: new PartitionWorker(sub.concurrency, sub.process, (next) => {
              if (killed) return;
              created.wanted = next;
              scheduleCommit();
            }),
          };
          state = created;
          partitions.set(id, state);
        }
        return state;
      };

      const forgetLag = (): void => {
        for (const state of partitions.values()) sub.onLag?.(state.topic, state.partition, null);
      };

      await consumer.connect();
      await consumer.subscribe({ topics: [...sub.topics], fromBeginning: sub.startAt !== "latest" });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const { topic, partition } = batch;
          const state = stateOf(topic, partition);
          state.highWatermark = Number(batch.highWatermark);
          state.lagFrom ??= Number(batch.firstOffset() ?? batch.highWatermark);
          reportLag(state);
          try {
            for (const message of batch.messages) {
              if (!isRunning() || isStale() || killed || stopping) return;
              const offset = Number(message.offset);
              // A refetch after a rebalance or seek repeats records this worker already has.
              if (offset < state.nextOffset) continue;
              while (state.worker.pending >= sub.concurrency * 4) {
                await Promise.race([state.worker.waitForCapacity(sub.concurrency * 4), delay(2_000)]);
                await heartbeat();
                if (!isRunning() || killed || stopping) return;
              }
              state.worker.push({
                topic,
                partition,
                offset,
                key: message.key?.toString() ?? "",
                value: message.value ?? Buffer.alloc(0),
                headers: readHeaders(message.headers),
              });
              state.nextOffset = offset + 1;
              resolveOffset(message.offset);
            }
          } catch (error) {
            if (!(error instanceof Aborted)) throw error;
          }
        },
      });
      return {
        async stop() {
          stopping = true;
          // Finish and commit while still a member of the group: after stop() kafkajs commits nothing.
          for (const [id, state] of partitions) {
            try {
              await state.worker.drain();
            } catch (error) {
              log(`partition ${id} stopped with a failed record: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
          await commitNow();
          await consumer.disconnect();
          consumers.delete(consumer);
          forgetLag();
        },
        async kill() {
          killed = true;
          if (commitTimer !== undefined) clearTimeout(commitTimer);
          for (const state of partitions.values()) state.worker.abort(new Aborted("subscription killed"));
          await consumer.disconnect();
          consumers.delete(consumer);
          forgetLag();
        },
      };
    },

    async probe() {
      probeAdmin ??= kafka.admin({ retry: { retries: 0 } });
      await probeAdmin.connect();
      await probeAdmin.describeCluster();
    },

    async close() {
      await Promise.all([...consumers].map((c) => c.disconnect()));
      consumers.clear();
      if (connecting) await (await connecting).disconnect();
      if (admin) await admin.disconnect();
      if (probeAdmin) await probeAdmin.disconnect();
    },
  };
}
