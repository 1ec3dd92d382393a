// `riel dlq replay` on the real broker: 1,000 dead letters, the CLI killed (SIGKILL) part-way and
// run again, and every letter back on its source topic exactly once, with its key and headers.
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { Admin, Producer } from "kafkajs";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterHeaders } from "@riel/bus";
import { REPLAY_OF } from "@riel/cli";
import { requireStack } from "../setup/stack.js";

const stack = requireStack();
const ROOT = new URL("../../", import.meta.url).pathname;
const LETTERS = 1_000;
const REASONS = ["DecodeError: record is 0 bytes", "PermanentError: amount.amount: must be positive", "attempts exhausted: ProviderUnavailable: 503"];
const env = { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers.join(","), SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, REDIS_URL: stack.redisUrl };
const riel = (args: string[]) => promisify(execFile)(process.execPath, ["services/cli/bin/riel.js", ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;

describe("riel dlq replay", () => {
  const source = `riel-test-dlq-${randomUUID().slice(0, 8)}`;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: "riel-dlq-test", logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: source, numPartitions: 3 }, { topic: `${source}.dlq`, numPartitions: 3 }] });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    // Dead letters as the bus writes them: the record's own key, value and headers, plus why and where from.
    for (let i = 0; i < LETTERS; i += 100) {
      await producer.send({
        topic: `${source}.dlq`,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, j) => {
          const n = i + j;
          return {
            key: `payment-${n % 37}`,
            value: Buffer.from(`payload-${n}`),
            headers: {
              "x-case": String(n),
              "x-correlation-id": `c-${n}`,
              [deadLetterHeaders.reason]: REASONS[n % REASONS.length] as string,
              [deadLetterHeaders.sourceTopic]: source,
              [deadLetterHeaders.partition]: String(n % 3),
              [deadLetterHeaders.offset]: String(n),
              [deadLetterHeaders.attempts]: "5",
              [deadLetterHeaders.failedAt]: new Date().toISOString(),
              [deadLetterHeaders.group]: "riel.status-projector",
            },
          };
        }),
      });
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [source, `${source}.dlq`] }).catch(() => {});
    await admin?.disconnect();
  });

  /** Every record on the source topic that read_committed consumers see: read up to a marker written after the CLI ended. */
  async function replays(): Promise<Array<{ key: string; headers: Record<string, string> }>> {
    const marker = `marker-${randomUUID()}`;
    await producer.send({ topic: source, acks: -1, messages: [0, 1, 2].map((partition) => ({ key: marker, value: null, partition })) });
    const seen = new Set<number>();
    const out: Array<{ key: string; headers: Record<string, string> }> = [];
    const consumer = kafka.consumer({ groupId: `riel-dlq-test-${randomUUID()}`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [source], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const key = message.key?.toString() ?? "";
            if (key.startsWith("marker-")) {
              if (key === marker) seen.add(partition);
              if (seen.size === 3) resolve();
              return;
            }
            out.push({ key, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return out;
  }

  it("lists and filters, writes nothing on a dry run, and puts each letter back exactly once though killed half-way", async () => {
    const listed = (await riel(["dlq", "list", "--topic", source])).stdout.trim().split("\n");
    expect(listed).toHaveLength(LETTERS);
    const permanent = (await riel(["dlq", "list", "--topic", source, "--reason", "^permanenterror"])).stdout.trim().split("\n");
    expect(permanent).toHaveLength(Math.floor(LETTERS / 3));

    const dry = await riel(["dlq", "replay", "--topic", source, "--reason", "PermanentError", "--dry-run"]);
    expect(dry.stdout.trim().split("\n").filter((l) => l.includes("wouldReplay"))).toHaveLength(permanent.length);
    expect(lastJson(dry.stdout)).toMatchObject({ dryRun: true, matched: permanent.length, replayed: 0, filteredOut: LETTERS - permanent.length });
    expect(await replays()).toEqual([]);

    // The first run, killed once it reports a third done: no waiting on time, on its own progress lines.
    const child: ChildProcess = spawn(process.execPath, ["services/cli/bin/riel.js", "dlq", "replay", "--topic", source, "--batch", "25"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let killedAt = 0;
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    for await (const line of createInterface({ input: child.stderr as NodeJS.ReadableStream })) {
      const done = Number(/^replayed (\d+)\//.exec(line)?.[1] ?? "0");
      if (done >= LETTERS / 3) {
        killedAt = done;
        child.kill("SIGKILL");
        break;
      }
    }
    await exited;
    expect(killedAt).toBeGreaterThanOrEqual(LETTERS / 3);
    expect(killedAt).toBeLessThan(LETTERS);

    const second = lastJson((await riel(["dlq", "replay", "--topic", source, "--batch", "25"])).stdout);
    expect(second.alreadyReplayed as number).toBeGreaterThanOrEqual(killedAt);
    expect((second.alreadyReplayed as number) + (second.replayed as number)).toBe(LETTERS);
    const third = lastJson((await riel(["dlq", "replay", "--topic", source])).stdout);
    expect(third).toMatchObject({ matched: LETTERS, alreadyReplayed: LETTERS, replayed: 0 });

    const back = await replays();
    const perLetter = new Map<string, number>();
    for (const r of back) perLetter.set(r.headers[REPLAY_OF] ?? "", (perLetter.get(r.headers[REPLAY_OF] ?? "") ?? 0) + 1);
    expect(back).toHaveLength(LETTERS);
    expect(perLetter.size).toBe(LETTERS);
    expect([...perLetter.values()].every((n) => n === 1)).toBe(true);
    for (const r of back) {
      const n = Number(r.headers["x-case"]);
      expect(r.key).toBe(`payment-${n % 37}`);
      expect(r.headers["x-correlation-id"]).toBe(`c-${n}`);
      expect(Object.keys(r.headers).filter((h) => h.startsWith("riel-dlq-"))).toEqual([]);
    }
    console.log(`dlq replay: ${LETTERS} letters; first run killed after ${killedAt} reported; second run skipped ${String(second.alreadyReplayed)} and replayed ${String(second.replayed)}; on the source topic: ${back.length} records, ${perLetter.size} letters, duplicates ${back.length - perLetter.size}`);
  }, 180_000);
});
