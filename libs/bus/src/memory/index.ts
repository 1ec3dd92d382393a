import type { Transport, TransportSubscribeOptions, TransportSubscription } from "../core.js";
import type { RawIncoming, RawRecord, TopicConfig } from "../types.js";
import { Aborted, PartitionWorker } from "../worker/index.js";

/** FNV-1a: stable across runs, so a key always lands on the same partition. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * A broker in this process: topics of partitioned logs, consumer groups with committed
 * offsets. Several transports may share one, as several services share a Kafka cluster.
 * It lives as long as the process: a "restart" is a new subscription on the same broker.
 */
export class MemoryBroker {
  readonly #topics = new Map<string, RawIncoming[][]>();
  readonly #committed = new Map<string, number>();
  readonly #activeGroups = new Set<string>();
  #waiters: Array<() => void> = [];

  createTopic(name: string, partitions: number): void {
    if (!this.#topics.has(name)) this.#topics.set(name, Array.from({ length: partitions }, () => []));
  }

  partitions(topic: string): RawIncoming[][] {
    const partitions = this.#topics.get(topic);
    if (!partitions) throw new Error(`topic ${topic} does not exist`);
    return partitions;
  }

  append(record: RawRecord): void {
    const partitions = this.partitions(record.topic);
    const partition = partitionOf(record.key, partitions.length);
    const log = partitions[partition] as RawIncoming[];
    log.push({ ...record, partition, offset: log.length });
  }

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  committed(group: string, topic: string, partition: number): number {
    return this.#committed.get(`${group}\u0000${topic}\u0000${partition}`) ?? 0;
  }

  hasCommitted(group: string, topic: string, partition: number): boolean {
    return this.#committed.has(`${group}\u0000${topic}\u0000${partition}`);
  }

  commit(group: string, topic: string, partition: number, offset: number): void {
    this.#committed.set(`${group}\u0000${topic}\u0000${partition}`, offset);
  }

  join(group: string): void {
    if (this.#activeGroups.has(group)) {
      throw new Error(`group ${group} already has a member; the in-memory broker allows one member per group`);
    }
    this.#activeGroups.add(group);
  }

  leave(group: string): void {
    this.#activeGroups.delete(group);
  }
}

export function createMemoryTransport(broker: MemoryBroker = new MemoryBroker()): Transport {
  return {
    async createTopics(topics: readonly TopicConfig[]) {
      for (const t of topics) broker.createTopic(t.name, t.partitions);
    },
    async send(records: readonly RawRecord[]) {
      // Check every topic first, so a batch is written whole or not at all.
      for (const r of records) broker.partitions(r.topic);
      for (const r of records) broker.append(r);
      broker.notify();
    },
    async subscribe(options: TransportSubscribeOptions): Promise<TransportSubscription> {
      for (const t of options.topics) broker.partitions(t);
      broker.join(options.group);
      options.onMembership?.(true, null);
      let running = true;
      let killed = false;
      const workers: PartitionWorker[] = [];
      const loops = options.topics.flatMap((topic) =>
        broker.partitions(topic).map(async (log, partition) => {
          // A group that committed nothing and starts at the latest begins past what is there now.
          let position = options.startAt === "latest" && !broker.hasCommitted(options.group, topic, partition) ? log.length : broker.committed(options.group, topic, partition);
          const reportLag = (): void => options.onLag?.(topic, partition, log.length - broker.committed(options.group, topic, partition));
          const worker = new PartitionWorker(options.concurrency, options.process, (next) => {
            if (killed) return;
            broker.commit(options.group, topic, partition, next);
            reportLag();
          });
          workers.push(worker);
          reportLag();
          try {
            while (running) {
              if (position < log.length) {
                await worker.waitForCapacity(options.concurrency * 4);
                if (running) {
                  worker.push(log[position++] as RawIncoming);
                  reportLag();
                }
              } else {
                await broker.nextAppend();
              }
            }
            await worker.drain();
          } catch (error) {
            if (!(error instanceof Aborted)) throw error;
          } finally {
            options.onLag?.(topic, partition, null);
          }
        }),
      );
      const finish = async (): Promise<void> => {
        running = false;
        broker.notify();
        await Promise.all(loops);
        broker.leave(options.group);
        options.onMembership?.(false, "left the group");
      };
      return {
        stop: finish,
        async kill() {
          killed = true;
          for (const w of workers) w.abort(new Aborted("subscription killed"));
          await finish();
        },
      };
    },
    async close() {},
  };
}
