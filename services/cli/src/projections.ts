import cliProgress from "cli-progress";
import type { Kafka } from "kafkajs";
import type { RebuildRecord, RebuildReport } from "@riel/status-projector";
import { rebuildProjections } from "@riel/status-projector";
import type { Codec } from "@riel/schemas";
import { topics } from "@riel/schemas";
import { createRedisStore } from "@riel/store";
import { readToEnd } from "./kafka.js";

/**
 * Reads the commands and provider-events topics from their first record to their end, and has the
 * projector's own logic rebuild every payment's projection and due check in Redis from them.
 */
export async function rebuild(kafka: Kafka, codec: Codec, redisUrl: string, print: (line: string) => void): Promise<RebuildReport & { undecodable: number }> {
  const records: RebuildRecord[] = [];
  let undecodable = 0;
  for (const topic of [topics.paymentCommands.name, topics.providerEvents.name]) {
    for (const r of await readToEnd(kafka, topic)) {
      try {
        const decoded = await codec.decode(topic, r.value);
        records.push({ topic, partition: r.partition, offset: Number(r.offset), key: r.key, headers: r.headers, attempt: 1, timestamp: Number(r.timestamp), ...decoded } as RebuildRecord);
      } catch {
        undecodable++;
      }
    }
  }
  print(JSON.stringify({ read: records.length, undecodable }));
  const store = createRedisStore({ url: redisUrl });
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ stream: process.stderr, format: "rebuilding [{bar}] {value}/{total} payments" }, cliProgress.Presets.shades_classic) : null;
  let last = 0;
  try {
    const report = await rebuildProjections(records, {
      store,
      log: () => {},
      onProgress: (done, total) => {
        if (bar) {
          if (done === 1) bar.start(total, 0);
          bar.update(done);
        } else if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
          last = done;
          process.stderr.write(`rebuilt ${done}/${total} payments\n`);
        }
      },
    });
    bar?.stop();
    return { ...report, undecodable };
  } finally {
    await store.close();
  }
}
