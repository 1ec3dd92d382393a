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
        const event = await decoder.decode(message.value);
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
