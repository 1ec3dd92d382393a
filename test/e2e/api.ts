import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TopicRecord } from "@riel/schemas";
import { topics } from "@riel/schemas";
import type { StatusWatcher } from "./harness.js";
import { QR_TEST_CODES } from "@riel/depay-sandbox";
import { crc16Hex } from "@riel/rails";
import { http, payer, pixPayment } from "./harness.js";

const withCrc = (withoutCrc: string): string => `${withoutCrc}${crc16Hex(withoutCrc)}`;

/** A running Riel, however it was started, as the flow tests see it. */
export interface FlowEnv {
  readonly ingressUrl: string;
  readonly webhookUrl: string;
  readonly sandboxUrl: string;
  readonly tumipaySandboxUrl: string;
  readonly webhookSecret: string;
  /** Publishes a command straight to Kafka, as an upstream system may. */
  publishCommand(paymentId: string, record: TopicRecord<"paymentCommands">): Promise<void>;
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

export function runApiSuite(name: string, start: () => Promise<FlowEnv>): void {
  describe(`the payments API end to end: ${name}`, () => {
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
      expect(unknownMethod.body.errors).toEqual([{ field: "method", rule: "must be one of: PIX_KEY, EMV_QR, PERU_KEY, BREB_KEY, PERU_PAYIN" }]);

      const several = await post(pixPayment({ amount: { amount: 10.5, currency: "USD" }, payer: { fullName: "" } }), {});
      expect(several.status).toBe(400);
      const fields = (several.body.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(["header Idempotency-Key", "amount.amount", "payer.fullName", "payer.currency"]));

      expect(await env.topicCount(topics.paymentCommands.name)).toBe(before);
    });

    it("answers a replay of POST /v1/payments with the same answer, and another body under the same key with 409", async () => {
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
      await env.watcher.waitFor(paymentId, "CREATED");
    });

    it("refuses bad QR codes and amounts with problem+json naming the field and rule, and publishes nothing", async () => {
      const before = await env.topicCount(topics.paymentCommands.name);
      const post = (body: unknown) => http("POST", `${env.ingressUrl}/v1/payments`, body, { "idempotency-key": randomUUID() });
      const qrPayment = (qr: string, extra: Record<string, unknown> = {}) => ({ method: "EMV_QR", qr, payer: payer(), externalReference: "qr-bad", ...extra });
      const rules = async (body: unknown): Promise<string[]> => {
        const res = await post(body);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        return (res.body.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field}: ${e.rule}`);
      };
      const closed = QR_TEST_CODES.closed;
      // A changed character breaks the CRC, which says so and where.
      const tampered = closed.replace("RIEL RESTAURANTE", "RIEL RESTAURANTX");
      expect(await rules(qrPayment(tampered))).toEqual([expect.stringMatching(/^qr: CRC_MISMATCH \(tag 63, offset \d+\): /)]);
      // A length that overruns its field: the TLV structure names the tag and offset.
      const brokenTlv = closed.replace("5916RIEL RESTAURANTE", "5999RIEL RESTAURANTE");
      expect((await rules(qrPayment(brokenTlv))).join("\n")).toMatch(/^qr: [A-Z_]+ \(tag 59, offset \d+\): /m);
      // Depay's own documented example fails its CRC and its TLV structure.
      const depayExample =
        "00020101021102080000000041370012com.98113069226478599020143160012B000004538315015001130707101020512600220000532607300067079179520454115802AR5916Test Homo COELSA6015CABA - Ciudad A6107M5515AP53023262100706S0279981050001I63042A58";
      expect((await rules(qrPayment(depayExample))).join("\n")).toMatch(/qr: /);
      // A currency Riel does not pay in: EUR (978), re-encoded with a valid CRC.
      expect(await rules(qrPayment(withCrc(closed.slice(0, -4).replace("5303986", "5303978"))))).toContainEqual(expect.stringMatching(/^qr: CURRENCY \(tag 53, offset \d+\)/));
      // A currency the rails know but a Brazilian code must not be in: USD (840).
      expect(await rules(qrPayment(withCrc(closed.slice(0, -4).replace("5303986", "5303840"))))).toEqual([expect.stringMatching(/^qr: UNSUPPORTED_CURRENCY \(tag 53\): /)]);
      // An amount for a closed code, at creation.
      expect(await rules(qrPayment(closed, { amount: { amount: "10.50", currency: "BRL" } }))).toEqual([expect.stringMatching(/^amount: must be absent/)]);
      expect(await env.topicCount(topics.paymentCommands.name)).toBe(before);
    });

    it("refuses an amount for a closed code, and one with more decimals than the code's currency has, publishing nothing", async () => {
      const start = async (qr: string, status: string): Promise<string> => {
        const res = await http("POST", `${env.ingressUrl}/v1/payments`, { method: "EMV_QR", qr, payer: payer(), externalReference: "qr-amount" }, { "idempotency-key": randomUUID() });
        expect(res.status).toBe(202);
        await env.watcher.waitFor(res.body.paymentId as string, status);
        return res.body.paymentId as string;
      };
      const closed = await start(QR_TEST_CODES.closed, "CREATED");
      const open = await start(QR_TEST_CODES.open, "WAITING_AMOUNT");
      const before = await env.topicCount(topics.paymentCommands.name);
      const amount = (paymentId: string, value: string, currency: string) =>
        http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/amount`, { amount: { amount: value, currency } }, { "idempotency-key": randomUUID() });
      const forClosed = await amount(closed, "10.50", "BRL");
      expect(forClosed.status).toBe(400);
      expect(forClosed.headers.get("content-type")).toContain("application/problem+json");
      expect(forClosed.body.errors).toEqual([{ field: "amount", rule: expect.stringMatching(/^must be absent: the QR code carries its own amount/) }]);
      const tooPrecise = await amount(open, "12.345", "PEN");
      expect(tooPrecise.status).toBe(400);
      expect(tooPrecise.body.errors).toEqual([{ field: "amount.amount", rule: expect.stringMatching(/decimal/i) }]);
      const wrongCurrency = await amount(open, "12.30", "USD");
      expect(wrongCurrency.body.errors).toEqual([{ field: "amount.currency", rule: "must be PEN" }]);
      expect(await env.topicCount(topics.paymentCommands.name)).toBe(before);
    });

    it("takes one amount per payment: the same amount again is a replay, another amount gets 409", async () => {
      const res = await http("POST", `${env.ingressUrl}/v1/payments`, { method: "EMV_QR", qr: QR_TEST_CODES.open, payer: payer(), externalReference: "qr-once" }, { "idempotency-key": randomUUID() });
      const paymentId = res.body.paymentId as string;
      await env.watcher.waitFor(paymentId, "WAITING_AMOUNT");
      const amount = (value: string) =>
        http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/amount`, { amount: { amount: value, currency: "PEN" } }, { "idempotency-key": randomUUID() });
      const [first, second] = await Promise.all([amount("20.00"), amount("30.00")]);
      const statuses = [first.status, second.status].sort();
      // Side by side, one wins; the other is told so (409 in progress or already sent), never both 202.
      expect(statuses[0]).toBe(202);
      expect(statuses[1]).toBe(409);
      const winner = first.status === 202 ? "20.00" : "30.00";
      const again = await amount(winner);
      expect(again.status).toBe(202);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const other = await amount(winner === "20.00" ? "30.00" : "20.00");
      expect(other.status).toBe(409);
      expect(other.body.title).toBe("Amount already sent");
      const priced = await env.watcher.waitFor(paymentId, "CREATED");
      expect(priced.amount).toEqual({ amount: winner, currency: "PEN" });
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
