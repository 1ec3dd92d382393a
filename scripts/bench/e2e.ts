import { randomUUID } from "node:crypto";
import { startEmbedded } from "@riel/embedded";
import type { InfraSettings } from "@riel/runtime";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import { http, pixPayment, StatusWatcher, TEST_API_KEY } from "../../test/e2e/harness.js";
import type { BenchResult, StackSettings } from "./types.js";

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Payments from POST to COMPLETED (the preview awaited, then accepted), with the sandbox answering at once. */
async function run(label: string, infra: InfraSettings, payments: number, inFlight: number): Promise<BenchResult[]> {
  const riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
  const watcherInfra = await connectInfra(infra, `bench-watch-${randomUUID()}`, () => {});
  const watcher = await StatusWatcher.start(watcherInfra.bus);
  const latencies: number[] = [];
  const one = async (): Promise<void> => {
    const t0 = performance.now();
    const res = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment(), { "idempotency-key": randomUUID() });
    const paymentId = res.body.paymentId as string;
    await watcher.waitFor(paymentId, "CREATED");
    await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": randomUUID() });
    await watcher.waitFor(paymentId, "COMPLETED");
    latencies.push(performance.now() - t0);
  };
  await one(); // warm-up: connections, schema ids, JIT
  latencies.length = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < payments) await one();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await watcher.stop();
  await watcherInfra.close();
  await riel.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const detail = `${payments} payments, ${inFlight} in flight`;
  return [
    { name: `${label}: completed payments`, value: payments / seconds, unit: "payments/s", detail },
    { name: `${label}: POST to COMPLETED p50`, value: percentile(sorted, 50), unit: "ms" },
    { name: `${label}: POST to COMPLETED p99`, value: percentile(sorted, 99), unit: "ms" },
  ];
}

export async function benchEndToEnd(stack: StackSettings): Promise<BenchResult[]> {
  const memory = await run("in-memory twins (baseline)", infraFromEnv({}), 300, 20);
  const real = await run(
    "Kafka + Redis + registry",
    {
      kind: "real",
      config: {
        KAFKA_BROKERS: [...stack.kafkaBrokers],
        REDIS_URL: stack.redisUrl,
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        TOPIC_PARTITIONS: 6,
        CONSUMER_CONCURRENCY: 16,
        KAFKA_SESSION_TIMEOUT_MS: 30_000,
      },
    },
    300,
    20,
  );
  return [...memory, ...real];
}
