import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { createPaymentEventsDecoder, PAYMENT_EVENTS_TOPIC } from "@riel/payment-events";
import type { PaymentStatusChanged } from "@riel/payment-events";
import { requireStack } from "../setup/stack.js";
import { confirm, createdPayment, payCounts, runApiSuite } from "./api.js";
import type { Cluster } from "./cluster.js";
import { startCluster } from "./cluster.js";
import { runFlowSuite } from "./flows.js";
import { runMoneyBackSuite } from "./refunds-payins.js";
import { http } from "./harness.js";

const stack = requireStack();
let cluster: Cluster | undefined;
const shared = async (): Promise<Cluster> => (cluster ??= await startCluster(stack));
const borrowed = async (): Promise<Cluster> => ({ ...(await shared()), stop: async () => {} });

const ON_STACK = "every service in its own process, on Kafka, Redis and the schema registry";
runApiSuite(ON_STACK, borrowed);
runFlowSuite(ON_STACK, borrowed);
runMoneyBackSuite(ON_STACK, borrowed);

describe("payments end to end: crashes", () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await shared();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it("still ends COMPLETED with one pay call when the connector dies right after consuming the confirm", async () => {
    await c.processes.get("depay-connector")?.kill("SIGTERM");
    const faulty = await c.start("depay-connector", { FAULT_CRASH_BEFORE: "ConfirmPayment" });
    const { paymentId, orderId } = await createdPayment(c);
    expect((await confirm(c, paymentId, "ACCEPT")).status).toBe(202);
    expect(await faulty.exited).toBe(137);
    expect(await payCounts(c, orderId)).toEqual({ requests: 0, effects: 0 });

    await c.start("depay-connector");
    await c.watcher.waitFor(paymentId, "COMPLETED");
    expect(await payCounts(c, orderId)).toEqual({ requests: 1, effects: 1 });
  });

  it("loses no status when the projector is killed mid-flow and restarted", async () => {
    const { paymentId } = await createdPayment(c);
    await c.processes.get("status-projector")?.kill("SIGKILL");
    expect((await confirm(c, paymentId, "ACCEPT")).status).toBe(202);

    await c.start("status-projector");
    await c.watcher.waitFor(paymentId, "COMPLETED");
    const view = await http("GET", `${c.ingressUrl}/v1/payments/${paymentId}`);
    expect((view.body.history as Array<{ status: string }>).map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(c.watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
  });

  it("answers a confirm retried after the ingress died between publish and answer with the decision taken, within one lease", async () => {
    const { paymentId, orderId } = await createdPayment(c);
    const port = new URL(c.ingressUrl).port;
    await c.processes.get("ingress-api")?.kill("SIGTERM");
    const faulty = await c.start("ingress-api", { INGRESS_PORT: port, FAULT_CRASH_AFTER_PUBLISH: "1" });
    const key = randomUUID();
    // The ingress publishes the ConfirmPayment and dies before answering: the client sees the connection drop.
    await expect(confirm(c, paymentId, "ACCEPT", key)).rejects.toThrow();
    expect(await faulty.exited).toBeNull(); // killed by SIGKILL: no exit code
    await c.start("ingress-api", { INGRESS_PORT: port });
    // The client retries with the same key, as told by Retry-After, until it has an answer.
    const started = Date.now();
    let answer = await confirm(c, paymentId, "ACCEPT", key);
    for (let i = 0; answer.status === 409 && answer.body.title === "Request in progress" && i < 30; i++) {
      const after = Number(answer.headers.get("retry-after") ?? "1");
      expect(after).toBeLessThanOrEqual(5);
      await new Promise((resolve) => setTimeout(resolve, after * 1000));
      answer = await confirm(c, paymentId, "ACCEPT", key);
    }
    const waited = Date.now() - started;
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toMatchObject({ paymentId, decision: "ACCEPT" });
    console.log(`retried confirm answered after ${waited} ms`);
    await c.watcher.waitFor(paymentId, "COMPLETED");
    expect(await payCounts(c, orderId)).toEqual({ requests: 1, effects: 1 });
    // Asked once more, the answer is the stored one.
    const replay = await confirm(c, paymentId, "ACCEPT", key);
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("lets a downstream consumer read a payment's events with @riel/payment-events, as a plain kafkajs consumer", async () => {
    const { paymentId } = await createdPayment(c);
    expect((await confirm(c, paymentId, "ACCEPT")).status).toBe(202);
    await c.watcher.waitFor(paymentId, "COMPLETED");
    const decoder = createPaymentEventsDecoder({ registryUrl: stack.schemaRegistryUrl });
    const consumer = new Kafka({ brokers: stack.kafkaBrokers, clientId: "downstream", logLevel: logLevel.NOTHING }).consumer({ groupId: `downstream-${randomUUID()}` });
    const seen: PaymentStatusChanged[] = [];
    let done: () => void = () => {};
    const completed = new Promise<void>((resolve) => (done = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic: PAYMENT_EVENTS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value || message.key?.toString() !== paymentId) return;
        const decoded = await decoder.decode(message.value);
        if (decoded.type !== "PaymentStatusChanged") return;
        const event = decoded.value;
        if (seen.some((e) => e.envelope.eventId === event.envelope.eventId)) return;
        seen.push(event);
        if (event.status === "COMPLETED") done();
      },
    });
    await completed;
    await consumer.disconnect();
    expect(seen.map((e) => e.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(seen.at(-1)).toMatchObject({ method: "PIX_KEY", provider: "depay", amount: { amount: "10.50", currency: "BRL" }, final: false });
  });

  it("answers 401 to a callback with a bad token even for a payment that exists", async () => {
    const res = await http("POST", `${c.webhookUrl}/webhooks/depay/${randomUUID()}/x`, { order_id: "o", external_reference: "e", status: "COMPLETED" });
    expect(res.status).toBe(401);
  });
});
