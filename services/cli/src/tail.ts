import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import type { Codec } from "@riel/schemas";
import { headersOf } from "./kafka.js";

export interface TailOptions {
  readonly fromBeginning: boolean;
  readonly payment?: string;
  /** Stop after this many records printed. */
  readonly max?: number;
}

/**
 * Prints one JSON line per record of `topic`, decoded through the schema registry: like kcat, but
 * schema-aware. A record that does not decode is printed as `undecodable` with the reason. Runs
 * until interrupted, or until `max` records were printed. Commits nothing.
 */
export async function tail(kafka: Kafka, codec: Codec, topic: string, options: TailOptions, print: (line: string) => void): Promise<void> {
  const consumer = kafka.consumer({ groupId: `riel-cli-tail-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  let printed = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  process.once("SIGINT", () => finish());
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (options.max !== undefined && printed >= options.max) return;
        const key = message.key?.toString("utf8") ?? "";
        let type: string;
        let value: unknown;
        try {
          const decoded = await codec.decode(topic, message.value ?? Buffer.alloc(0));
          type = decoded.type;
          value = decoded.value;
        } catch (error) {
          type = "undecodable";
          value = { reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error), base64: (message.value ?? Buffer.alloc(0)).toString("base64") };
        }
        const paymentId = (value as { envelope?: { paymentId?: unknown } } | null)?.envelope?.paymentId;
        if (options.payment !== undefined && key !== options.payment && paymentId !== options.payment) return;
        print(JSON.stringify({ topic, partition, offset: message.offset, key, timestamp: message.timestamp, type, value, headers: headersOf(message.headers) }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
        printed++;
        if (options.max !== undefined && printed >= options.max) finish();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
}
