import { randomBytes, randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInfra } from "@riel/runtime";
import type { Infra } from "@riel/runtime";
import { requireStack } from "../setup/stack.js";
import { StatusWatcher, http } from "./harness.js";
import type { FlowEnv } from "./pix-flow.js";
import { confirm, createdPayment, payCounts, runPixFlowSuite } from "./pix-flow.js";
import { ServiceProcess } from "./processes.js";

const stack = requireStack();
const infraEnv = {
  KAFKA_BROKERS: stack.kafkaBrokers.join(","),
  REDIS_URL: stack.redisUrl,
  SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
  // A killed member's partitions move on after 6 s (the broker's minimum) instead of 30 s.
  KAFKA_SESSION_TIMEOUT_MS: "6000",
};

interface Cluster extends FlowEnv {
  readonly processes: Map<string, ServiceProcess>;
  startConnector(extra?: Record<string, string>): Promise<ServiceProcess>;
  startProjector(): Promise<ServiceProcess>;
}

async function startCluster(): Promise<Cluster> {
  const token = randomBytes(16).toString("hex");
  const secret = randomBytes(32).toString("hex");
  const processes = new Map<string, ServiceProcess>();
  const start = (name: string, script: string, env: Record<string, string>): ServiceProcess => {
    const p = new ServiceProcess(name, script, { ...infraEnv, ...env });
    processes.set(name, p);
    return p;
  };
  const sandbox = start("depay-sandbox", "services/depay-sandbox/src/main.ts", {
    DEPAY_SANDBOX_PORT: "0",
    DEPAY_SANDBOX_TOKEN: token,
    DEPAY_SANDBOX_CALLBACK_DELAY_MS: "0",
  });
  const sandboxUrl = (await sandbox.waitForLine(/listening on (http:\/\/\S+)/))[1] as string;
  const webhook = start("webhook-receiver", "services/webhook-receiver/src/main.ts", { WEBHOOK_PORT: "0", WEBHOOK_SECRET: secret });
  const webhookUrl = (await webhook.waitForLine(/listening on (http:\/\/[^"\s]+)/))[1] as string;
  const ingress = start("ingress-api", "services/ingress-api/src/main.ts", { INGRESS_PORT: "0" });
  const ingressUrl = (await ingress.waitForLine(/listening on (http:\/\/[^"\s]+)/))[1] as string;
  const startConnector = async (extra: Record<string, string> = {}): Promise<ServiceProcess> => {
    const p = start("depay-connector", "services/depay-connector/src/main.ts", {
      DEPAY_BASE_URL: sandboxUrl,
      DEPAY_TOKEN: token,
      WEBHOOK_PUBLIC_URL: webhookUrl,
      WEBHOOK_SECRET: secret,
      ...extra,
    });
    await p.waitForLine(/consuming commands/);
    return p;
  };
  const startProjector = async (): Promise<ServiceProcess> => {
    const p = start("status-projector", "services/status-projector/src/main.ts", {});
    await p.waitForLine(/projecting payment events/);
    return p;
  };
  await startConnector();
  await startProjector();

  const watcherInfra: Infra = await connectInfra(
    { kind: "real", config: { KAFKA_BROKERS: stack.kafkaBrokers, REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 6000 } },
    "riel-e2e-watcher",
    () => {},
  );
  const watcher = await StatusWatcher.start(watcherInfra.bus);
  const admin = new Kafka({ brokers: stack.kafkaBrokers, clientId: "riel-e2e", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return {
    processes,
    ingressUrl,
    webhookUrl,
    sandboxUrl,
    watcher,
    startConnector,
    startProjector,
    async topicCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high), 0);
    },
    async stop() {
      await watcher.stop();
      await watcherInfra.close();
      await admin.disconnect();
      await Promise.all([...processes.values()].map((p) => p.kill("SIGTERM")));
    },
  };
}

let cluster: Cluster | undefined;
const shared = async (): Promise<Cluster> => (cluster ??= await startCluster());

runPixFlowSuite("every service in its own process, on Kafka, Redis and the schema registry", async () => {
  const c = await shared();
  return { ...c, stop: async () => {} };
});

describe("Pix key payment end to end: crashes", () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await shared();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it("still ends COMPLETED with one pay call when the connector dies right after consuming the confirm", async () => {
    await c.processes.get("depay-connector")?.kill("SIGTERM");
    const faulty = await c.startConnector({ FAULT_CRASH_BEFORE: "ConfirmPayment" });
    const { paymentId, orderId } = await createdPayment(c);
    expect((await confirm(c, paymentId, "ACCEPT")).status).toBe(202);
    expect(await faulty.exited).toBe(137);
    expect(await payCounts(c, orderId)).toEqual({ requests: 0, effects: 0 });

    await c.startConnector();
    await c.watcher.waitFor(paymentId, "COMPLETED");
    expect(await payCounts(c, orderId)).toEqual({ requests: 1, effects: 1 });
  });

  it("loses no status when the projector is killed mid-flow and restarted", async () => {
    const { paymentId } = await createdPayment(c);
    await c.processes.get("status-projector")?.kill("SIGKILL");
    expect((await confirm(c, paymentId, "ACCEPT")).status).toBe(202);

    await c.startProjector();
    await c.watcher.waitFor(paymentId, "COMPLETED");
    const view = await http("GET", `${c.ingressUrl}/v1/payments/${paymentId}`);
    expect((view.body.history as Array<{ status: string }>).map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(c.watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
  });

  it("answers 401 to a callback with a bad token even for a payment that exists", async () => {
    const res = await http("POST", `${c.webhookUrl}/webhooks/depay/${randomUUID()}/x`, { order_id: "o", external_reference: "e", status: "COMPLETED" });
    expect(res.status).toBe(401);
  });
});
