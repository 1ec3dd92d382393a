import { randomUUID } from "node:crypto";
import type { IHeaders, Kafka, KafkaMessage } from "kafkajs";

/** A record as read, with where it was. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly timestamp: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

export function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString("utf8") : String(first);
  }
  return out;
}

const toRecord = (topic: string, partition: number, m: KafkaMessage): ReadRecord => ({
  topic,
  partition,
  offset: m.offset,
  key: m.key?.toString("utf8") ?? "",
  timestamp: m.timestamp,
  value: m.value ?? Buffer.alloc(0),
  headers: headersOf(m.headers),
});

/**
 * Every record of `topic` up to its end when called (read_committed, a consumer group of its own
 * that commits nothing). `until` ends the read early: when it returns true for a record, the
 * partition counts as read. Records come in offset order per partition.
 */
export async function readToEnd(kafka: Kafka, topic: string, options: { until?: (r: ReadRecord) => boolean; ends?: Map<number, bigint> } = {}): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (options.ends) ends = options.ends;
    else {
      // Partitions with nothing kept (high = low) are read already.
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)] as const));
    }
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (ends.size === 0) return records;
  const open = new Set(ends.keys());
  const consumer = kafka.consumer({ groupId: `riel-cli-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!open.has(partition)) return;
            const record = toRecord(topic, partition, message);
            records.push(record);
            const end = ends.get(partition) ?? 0n;
            if (options.until?.(record) || BigInt(message.offset) >= end - 1n) open.delete(partition);
            if (open.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
