import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Bus } from "@riel/bus";
import { createBus, createKafkaTransport, DEFAULT_CONCURRENCY } from "@riel/bus";
import type { TopicSpec } from "@riel/schemas";
import { createRegistryCodec, parseDocuments } from "@riel/schemas";
import type { BenchResult, StackSettings } from "./types.js";

const catalog = parseDocuments([
  {
    file: "bench.avsc",
    schema: { type: "record", name: "Tick", namespace: "riel.bench", fields: [{ name: "seq", type: "int" }, { name: "pad", type: "string" }] },
  },
]);
const TICK = "riel.bench.Tick";
const pad = "x".repeat(200);

async function newBus(stack: StackSettings, topics: readonly TopicSpec[]): Promise<Bus> {
  const bus = createBus({
    transport: createKafkaTransport({ brokers: stack.kafkaBrokers, clientId: "riel-bench" }),
    codec: createRegistryCodec({ url: stack.schemaRegistryUrl, catalog, topics }),
  });
  return bus;
}

async function timed(run: () => Promise<number>): Promise<{ count: number; seconds: number }> {
  const start = process.hrtime.bigint();
  const count = await run();
  return { count, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Publish throughput: one awaited send per record (the baseline) against close-together sends batched. */
export async function benchPublish(stack: StackSettings): Promise<BenchResult[]> {
  const topic = `bench.publish.${randomUUID().slice(0, 8)}`;
  const bus = await newBus(stack, [{ name: topic, records: [TICK], doc: "bench" }]);
  await bus.start([{ name: topic, partitions: 3 }]);
  const tick = (seq: number) => ({ type: TICK, value: { seq, pad } });
  await bus.publish(topic, "warm", tick(0));
  const serial = await timed(async () => {
    const n = 1_000;
    for (let i = 0; i < n; i++) await bus.publish(topic, `k${i % 64}`, tick(i));
    return n;
  });
  const batched = await timed(async () => {
    const n = 20_000;
    await Promise.all(Array.from({ length: n }, (_, i) => bus.publish(topic, `k${i % 64}`, tick(i))));
    return n;
  });
  await bus.close();
  const serialRate = serial.count / serial.seconds;
  const batchedRate = batched.count / batched.seconds;
  return [
    { name: "publish, one awaited send per record (baseline)", value: serialRate, unit: "records/s", detail: `${serial.count} records` },
    { name: "publish, concurrent sends batched", value: batchedRate, unit: "records/s", detail: `${batched.count} records, ${(batchedRate / serialRate).toFixed(1)}x baseline` },
  ];
}

/** Consume-and-commit throughput with a handler that awaits 50 ms, at concurrency 1 (baseline) and the default. */
export async function benchConsume(stack: StackSettings): Promise<BenchResult[]> {
  const topic = `bench.consume.${randomUUID().slice(0, 8)}`;
  const bus = await newBus(stack, [{ name: topic, records: [TICK], doc: "bench" }]);
  const partitions = 3;
  await bus.start([{ name: topic, partitions }]);
  const total = 600;
  await Promise.all(Array.from({ length: total }, (_, i) => bus.publish(topic, `k${i}`, { type: TICK, value: { seq: i, pad } })));

  const run = async (concurrency: number, count: number): Promise<{ count: number; seconds: number }> => {
    let handled = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    let start = 0n;
    const sub = await bus.subscribe({
      group: `bench-${concurrency}-${randomUUID().slice(0, 8)}`,
      topics: [topic],
      concurrency,
      handler: async () => {
        if (start === 0n) start = process.hrtime.bigint();
        await delay(50);
        if (++handled === count) done();
      },
    });
    await finished;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await sub.stop();
    return { count, seconds };
  };
  const one = await run(1, 60);
  const many = await run(DEFAULT_CONCURRENCY, total);
  await bus.close();
  const oneRate = one.count / one.seconds;
  const manyRate = many.count / many.seconds;
  return [
    { name: "consume+commit, 50 ms handler, concurrency 1 (baseline)", value: oneRate, unit: "records/s", detail: `${one.count} records over ${partitions} partitions` },
    {
      name: `consume+commit, 50 ms handler, concurrency ${DEFAULT_CONCURRENCY} (default)`,
      value: manyRate,
      unit: "records/s",
      detail: `${many.count} records over ${partitions} partitions, ${(manyRate / oneRate).toFixed(1)}x baseline`,
    },
  ];
}
