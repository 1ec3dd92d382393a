// `pnpm bench restart`: how long a service killed with SIGKILL and started again takes to resume
// its work, for a few Kafka session timeouts. A killed member leaves the group only when its
// session times out (kafkajs has no static membership), so until then its partitions wait.
import { randomUUID } from "node:crypto";
import { startCluster } from "../../test/e2e/cluster.js";
import { http, pixPayment } from "../../test/e2e/harness.js";
import type { BenchResult, StackSettings } from "./types.js";

const SESSION_TIMEOUTS = [30_000, 10_000, 6_000];

/** POST to CREATED for a payment sent right after `service` was killed and started again. */
async function resumeAfterKill(stack: StackSettings, sessionTimeoutMs: number, service: string): Promise<{ readyMs: number; resumeMs: number }> {
  const cluster = await startCluster({ kafkaBrokers: [...stack.kafkaBrokers], redisUrl: stack.redisUrl, schemaRegistryUrl: stack.schemaRegistryUrl, source: "env" }, { sessionTimeoutMs });
  try {
    // Warm: one payment through every service before the kill.
    const warm = await http("POST", `${cluster.ingressUrl}/v1/payments`, pixPayment(), { "idempotency-key": randomUUID() });
    await cluster.watcher.waitFor(warm.body.paymentId as string, "CREATED");
    const t0 = performance.now();
    await cluster.crashAndRestart(service);
    const readyMs = performance.now() - t0;
    const res = await http("POST", `${cluster.ingressUrl}/v1/payments`, pixPayment(), { "idempotency-key": randomUUID() });
    await cluster.watcher.waitFor(res.body.paymentId as string, "CREATED");
    return { readyMs, resumeMs: performance.now() - t0 };
  } finally {
    await cluster.stop();
  }
}

export async function benchRestart(stack: StackSettings): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const service of ["depay-connector", "status-projector"]) {
    for (const sessionTimeoutMs of SESSION_TIMEOUTS) {
      const { readyMs, resumeMs } = await resumeAfterKill(stack, sessionTimeoutMs, service);
      results.push({
        name: `${service} killed: kill to work resumed, session ${sessionTimeoutMs / 1000} s`,
        value: resumeMs,
        unit: "ms",
        detail: `process ready after ${Math.round(readyMs)} ms`,
      });
    }
  }
  return results;
}
