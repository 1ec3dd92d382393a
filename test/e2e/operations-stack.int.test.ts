import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Subscription } from "@riel/bus";
import type { Infra, RunningHttp } from "@riel/runtime";
import { connectInfra, serveOperations } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";
import { parseExposition, sumOf } from "./prometheus-text.js";

const stack = requireStack();

describe("readiness on the real stack", () => {
  let infra: Infra | undefined;
  let ops: RunningHttp | undefined;
  let subscription: Subscription | undefined;

  afterAll(async () => {
    await ops?.stop();
    await subscription?.stop();
    await infra?.close();
  });

  it("checks Kafka, Redis, the registry and the consumer group, and is not ready once the consumer leaves its group", async () => {
    infra = await connectInfra(
      {
        kind: "real",
        config: { KAFKA_BROKERS: stack.kafkaBrokers, REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 6000 },
      },
      "riel-operations-test",
      () => {},
    );
    // A group of this test's own: joining a service's group would take its partitions.
    const group = `riel-operations-test-${randomUUID()}`;
    subscription = await infra.bus.subscribe({ group, topics: [topics.paymentEvents.name], handler: async () => {} });
    ops = await serveOperations(infra, { port: 0 });

    const ready = await fetch(`${ops.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: [
        { name: "kafka", ready: true, detail: null },
        { name: "redis", ready: true, detail: null },
        { name: "schema-registry", ready: true, detail: null },
        { name: `consumer-group ${group}`, ready: true, detail: null },
      ],
    });
    const metrics = parseExposition(await (await fetch(`${ops.url}/metrics`)).text());
    expect(sumOf(metrics, "riel_consumer_group_member", { group })).toBe(1);
    expect(sumOf(metrics, "riel_ready", { check: "kafka" })).toBe(1);

    await subscription.stop();
    subscription = undefined;
    const left = await fetch(`${ops.url}/readyz`);
    expect(left.status).toBe(503);
    const body = (await left.json()) as { detail: string; checks: Array<{ name: string; ready: boolean }> };
    expect(body.detail).toMatch(new RegExp(`^not ready: consumer-group ${group} \\(`));
    expect(body.checks.filter((c) => !c.ready).map((c) => c.name)).toEqual([`consumer-group ${group}`]);
  });
});
