import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryBroker } from "@riel/bus";
import type { StartedService } from "@riel/embedded";
import { SERVICES } from "@riel/embedded";
import type { Infra } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import type { Store } from "@riel/store";
import { createRedisStore } from "@riel/store";
import { parseExposition, sumOf } from "./prometheus-text.js";

// A Redis of this test's own (Debian's redis-server, as the local stack uses), which it stops and
// starts again; no Kafka or registry is needed: the bus is the in-memory one.

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

function startRedis(port: number): ChildProcess {
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  redis.once("error", (error) => {
    throw new Error(`redis-server did not start (is it on PATH?): ${error.message}`);
  });
  return redis;
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = once(redis, "exit");
  redis.kill("SIGKILL");
  await exited;
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

async function readyz(url: string): Promise<Answer> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, contentType: res.headers.get("content-type"), body: (await res.json()) as Record<string, unknown> };
}

/** Asks /readyz until it answers `status`, for at most `withinMs`: readiness follows Redis as fast as a probe notices. */
async function untilReadyz(url: string, status: number, withinMs = 20_000): Promise<Answer> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await readyz(url);
    if (answer.status === status) return answer;
    if (Date.now() > deadline) throw new Error(`/readyz still answers ${answer.status} after ${withinMs} ms: ${JSON.stringify(answer.body)}`);
    // A pause between polls only: the loop ends on the answer it waits for, or fails at the deadline.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("/readyz follows the service's Redis", () => {
  let redis: ChildProcess | undefined;
  let store: Store | undefined;
  let infra: Infra | undefined;
  let projector: StartedService | undefined;

  afterAll(async () => {
    await projector?.stop();
    await infra?.close();
    await store?.close().catch(() => {});
    if (redis) await stopRedis(redis);
  });

  it("turns 503 naming redis when Redis stops, and 200 when it is back on the same port", async () => {
    const port = await freePort();
    redis = startRedis(port);
    store = createRedisStore({ url: `redis://127.0.0.1:${port}`, prefix: "riel-readiness-test:" });
    infra = await connectInfra({ kind: "embedded", broker: new MemoryBroker(), store, partitions: 2, storeName: "redis" }, "riel-readiness-test", () => {});
    const def = SERVICES.find((s) => s.name === "status-projector");
    if (!def) throw new Error("no status-projector in SERVICES");
    projector = await def.start(infra, { sandboxToken: "", webhookSecret: "", apiKey: "", sandboxCallbackDelayMs: 0, urls: {} }, { port: 0, operationsPort: 0, log: () => {} });
    const url = projector.operationsUrl as string;

    const up = await untilReadyz(url, 200);
    expect(up.body.checks).toEqual(
      expect.arrayContaining([
        { name: "redis", ready: true, detail: null },
        { name: "consumer-group riel.status-projector", ready: true, detail: null },
      ]),
    );

    await stopRedis(redis);
    const down = await untilReadyz(url, 503);
    expect(down.contentType).toBe("application/problem+json");
    expect(down.body).toMatchObject({ type: "about:blank", title: "Not ready", status: 503, detail: expect.stringMatching(/^not ready: redis \(/) as string });
    expect(down.body.errors).toEqual([{ field: "redis", rule: expect.any(String) as string }]);
    expect(down.body.checks).toContainEqual({ name: "consumer-group riel.status-projector", ready: true, detail: null });
    // The process itself is fine: liveness does not depend on Redis.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    redis = startRedis(port);
    const back = await untilReadyz(url, 200);
    expect(back.body.checks).toContainEqual({ name: "redis", ready: true, detail: null });

    const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(sumOf(metrics, "riel_ready", { check: "redis" })).toBe(1);
    expect(sumOf(metrics, "riel_readiness_changes_total", { check: "redis" })).toBeGreaterThanOrEqual(2);
  });
});
