import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@riel/schemas";
import type { StatusWatcher } from "./harness.js";
import { http, pixPayment } from "./harness.js";

/** A running Riel, however it was started, as the flow tests see it. */
export interface FlowEnv {
  readonly ingressUrl: string;
  readonly webhookUrl: string;
  readonly sandboxUrl: string;
  readonly watcher: StatusWatcher;
  /** Records ever written to a topic, to prove that a refused request published nothing. */
  topicCount(topic: string): Promise<number>;
  stop(): Promise<void>;
}

export interface PayCounts {
  readonly requests: number;
  readonly effects: number;
}

export async function payCounts(env: FlowEnv, orderId: string): Promise<PayCounts> {
  const report = await http("GET", `${env.sandboxUrl}/__sandbox/orders/${orderId}`);
  const pay = (report.body.calls as Record<string, PayCounts>).pay as PayCounts;
  return { requests: pay.requests, effects: pay.effects };
}

/** Creates a payment and waits for its preview: the state a payer confirms from. */
export async function createdPayment(env: FlowEnv, body = pixPayment()): Promise<{ paymentId: string; orderId: string }> {
  const res = await http("POST", `${env.ingressUrl}/v1/payments`, body, { "idempotency-key": randomUUID() });
  expect(res.status).toBe(202);
  const paymentId = res.body.paymentId as string;
  const created = await env.watcher.waitFor(paymentId, "CREATED");
  return { paymentId, orderId: created.providerOrderId as string };
}

export async function confirm(env: FlowEnv, paymentId: string, decision: "ACCEPT" | "REJECT", key = randomUUID()) {
  return http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision }, { "idempotency-key": key });
}

export function runPixFlowSuite(name: string, start: () => Promise<FlowEnv>): void {
  describe(`Pix key payment end to end: ${name}`, () => {
    let env: FlowEnv;
    beforeAll(async () => {
      env = await start();
    });
    afterAll(async () => {
      await env?.stop();
    });

    it("refuses bad input with problem+json naming each field, and publishes nothing", async () => {
      const before = await env.topicCount(topics.paymentCommands.name);
      const post = (body: unknown, headers: Record<string, string> = { "idempotency-key": randomUUID() }) =>
        http("POST", `${env.ingressUrl}/v1/payments`, body, headers);

      const badCpf = await post(pixPayment({ payeeKey: "123.456.789-00" }));
      expect(badCpf.status).toBe(400);
      expect(badCpf.headers.get("content-type")).toContain("application/problem+json");
      expect(badCpf.body.errors).toEqual([expect.objectContaining({ field: "payeeKey", rule: expect.stringMatching(/^CPF_CHECK_DIGIT/) })]);

      const malformed = await post("{not json");
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([{ field: "body", rule: "must be a JSON object" }]);

      const unknownMethod = await post(pixPayment({ method: "CARRIER_PIGEON" }));
      expect(unknownMethod.status).toBe(400);
      expect(unknownMethod.body.errors).toEqual([{ field: "method", rule: "must be one of: PIX_KEY" }]);

      const several = await post(pixPayment({ amount: { amount: 10.5, currency: "USD" }, payer: { fullName: "" } }), {});
      expect(several.status).toBe(400);
      const fields = (several.body.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(["header Idempotency-Key", "amount.amount", "payer.fullName", "payer.currency"]));

      expect(await env.topicCount(topics.paymentCommands.name)).toBe(before);
    });

    it("pays a Pix key: RECEIVED, CREATED on the preview, then PROCESSING and COMPLETED after the accept", async () => {
      const body = pixPayment();
      const key = randomUUID();
      const res = await http("POST", `${env.ingressUrl}/v1/payments`, body, { "idempotency-key": key });
      expect(res.status).toBe(202);
      const paymentId = res.body.paymentId as string;
      expect(res.body).toEqual({ paymentId, status: "RECEIVED", statusUrl: `/v1/payments/${paymentId}` });

      const replay = await http("POST", `${env.ingressUrl}/v1/payments`, body, { "idempotency-key": key });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual(res.body);
      const otherBody = await http("POST", `${env.ingressUrl}/v1/payments`, { ...body, externalReference: "another" }, { "idempotency-key": key });
      expect(otherBody.status).toBe(409);

      const created = await env.watcher.waitFor(paymentId, "CREATED");
      const preview = await http("GET", `${env.ingressUrl}/v1/payments/${paymentId}`);
      expect(preview.body).toMatchObject({
        paymentId,
        status: "CREATED",
        externalReference: body.externalReference,
        amount: { amount: "10.50", currency: "BRL" },
        providerOrderId: created.providerOrderId,
        collector: { identificationNumber: "39053344705" },
        localAmount: { currency: "BRL" },
        userAmount: { currency: "BRL" },
      });

      expect((await confirm(env, paymentId, "ACCEPT")).status).toBe(202);
      const completed = await env.watcher.waitFor(paymentId, "COMPLETED");
      expect(completed.previousStatus).toBe("PROCESSING");
      const done = await http("GET", `${env.ingressUrl}/v1/payments/${paymentId}`);
      expect(done.body.status).toBe("COMPLETED");
      expect((done.body.history as Array<{ status: string }>).map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
      expect(env.watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
      expect(await payCounts(env, created.providerOrderId as string)).toEqual({ requests: 1, effects: 1 });
    });

    it("makes one pay call for a confirm sent twice with one key, and twice at once", async () => {
      const first = await createdPayment(env);
      const key = randomUUID();
      const a = await confirm(env, first.paymentId, "ACCEPT", key);
      const b = await confirm(env, first.paymentId, "ACCEPT", key);
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(b.body).toEqual(a.body);
      await env.watcher.waitFor(first.paymentId, "COMPLETED");
      expect(await payCounts(env, first.orderId)).toEqual({ requests: 1, effects: 1 });

      const second = await createdPayment(env);
      const key2 = randomUUID();
      const both = await Promise.all([confirm(env, second.paymentId, "ACCEPT", key2), confirm(env, second.paymentId, "ACCEPT", key2)]);
      expect(both.map((r) => r.status).sort()).toContain(202);
      await env.watcher.waitFor(second.paymentId, "COMPLETED");
      expect(await payCounts(env, second.orderId)).toEqual({ requests: 1, effects: 1 });
    });

    it("ends CANCELED when the payer rejects the preview", async () => {
      const { paymentId } = await createdPayment(env);
      expect((await confirm(env, paymentId, "REJECT")).status).toBe(202);
      const canceled = await env.watcher.waitFor(paymentId, "CANCELED");
      expect(canceled.final).toBe(true);
    });

    it("ends REJECTED and FAILED for the sandbox's test keys, with the provider's reason", async () => {
      const rejected = await createdPayment(env, pixPayment({ payeeKey: "11144477735" }));
      await confirm(env, rejected.paymentId, "ACCEPT");
      const r = await env.watcher.waitFor(rejected.paymentId, "REJECTED");
      expect(r.reason).toBe("VENCIDO | 0200 - AVISO ENVIADO");

      const failed = await createdPayment(env, pixPayment({ payeeKey: "52998224725" }));
      await confirm(env, failed.paymentId, "ACCEPT");
      const f = await env.watcher.waitFor(failed.paymentId, "FAILED");
      expect(f.reason).toBe("ACCOUNT_BLOCKED The specified account is blocked.");
      expect(f.final).toBe(true);
    });

    it("ends REJECTED when Depay does not know the key", async () => {
      const res = await http("POST", `${env.ingressUrl}/v1/payments`, pixPayment({ payeeKey: "12345678909" }), { "idempotency-key": randomUUID() });
      const rejected = await env.watcher.waitFor(res.body.paymentId as string, "REJECTED");
      expect(rejected.reason).toMatch(/INVALID_DICT_KEY/);
    });

    it("refuses a forged callback with 401 and changes nothing", async () => {
      const { paymentId, orderId } = await createdPayment(env);
      const before = await env.topicCount(topics.providerEvents.name);
      const forged = {
        order_id: orderId,
        external_reference: paymentId,
        status: "COMPLETED",
        date: new Date().toISOString(),
        payment_date: new Date().toISOString(),
        error_code: null,
      };
      const badToken = await http("POST", `${env.webhookUrl}/webhooks/depay/${paymentId}/forged-token`, forged);
      expect(badToken.status).toBe(401);
      const noToken = await http("POST", `${env.webhookUrl}/webhooks/depay/${paymentId}/`, forged);
      expect(noToken.status).toBe(404);
      expect(await env.topicCount(topics.providerEvents.name)).toBe(before);
      const view = await http("GET", `${env.ingressUrl}/v1/payments/${paymentId}`);
      expect(view.body.status).toBe("CREATED");
    });
  });
}
