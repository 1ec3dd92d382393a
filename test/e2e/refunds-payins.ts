import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERU_TEST_KEYS } from "@riel/depay-sandbox";
import { callbackUrl } from "@riel/provider-port";
import type { InitiatePayment } from "@riel/schemas";
import { envelopeFor, topics } from "@riel/schemas";
import type { FlowEnv } from "./api.js";
import { confirm, createdPayment } from "./api.js";
import { http, payer, pixPayment } from "./harness.js";

// Depay's refund notification examples (depay-qr-code.txt), byte for byte: the payment they name
// is published straight to Kafka under their external_reference.
const DOC_PAYMENT_ID = "12345678-1234-1234-1234-123456789876";
const TOTAL_REFUND_EXAMPLE = `{
    "order_id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce",
    "external_reference":"12345678-1234-1234-1234-123456789876",
    "status":"REFUNDED",
    "date":"2025-05-26T15:30:56.842Z",
    "payment_date":"2025-05-26T15:30:56.842Z",
    "merchant_identification_number":"321664897",
    "merchant_name":"Depay",
    "error_code":null,
    "amount":0.2,
    "currency":"BRL"
}`;
const PARTIAL_REFUND_EXAMPLE = `{
    "order_id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce",
    "external_reference":"12345678-1234-1234-1234-123456789876",
    "status":"PARTIALLY_REFUNDED",
    "date":"2025-05-26T15:30:56.842Z",
    "payment_date":"2025-05-26T15:30:56.842Z",
    "merchant_identification_number":"1111111111",
    "merchant_name":"Depay",
    "error_code":null,
    "amount":0.1,
    "currency":"BRL"
}`;

/** An IPN as tumipay-webhooks-and-lookup.md describes it (top_* fields), for one transaction. */
const ipnBytes = (ticket: string, reference: string, status: string) => `{
  "top_status": "${status}",
  "top_ticket": "${ticket}",
  "top_reference": "${reference}",
  "top_amount": 150.00,
  "top_currency": "PEN",
  "top_payment_method": "BANK_TRANSFER",
  "top_bank_name": "BCP",
  "top_response_message": "Transacción exitosa",
  "top_user": { "legal_doc_type": "DNI", "legal_doc": "12345678", "phone_code": "51", "phone_number": "987654321", "email": "rosa@example.com", "full_name": "Rosa Huaman" },
  "top_user_email": "rosa@example.com",
  "top_user_phone": "987654321",
  "top_extra_params1": ""
}`;

const post = (url: string, bytes: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: bytes });

const payin = (overrides: Record<string, unknown> = {}, customer: Record<string, unknown> = {}) => ({
  method: "PERU_PAYIN",
  channel: "BANK_TRANSFER",
  amount: { amount: "150.00", currency: "PEN" },
  customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: `p-${randomUUID().slice(0, 8)}@example.com`, fullName: "Rosa Huaman", ...customer },
  redirectUrl: "https://shop.example.com/paid",
  externalReference: `pi-${randomUUID().slice(0, 8)}`,
  ...overrides,
});

/** Refunds, Peru and Colombia keys and pay-ins: what upstream and the providers would try, against a running Riel. */
export function runMoneyBackSuite(name: string, start: () => Promise<FlowEnv>): void {
  describe(`refunds, Peru and Colombia keys, pay-ins: ${name}`, () => {
    let env: FlowEnv;
    beforeAll(async () => {
      env = await start();
    });
    afterAll(async () => {
      await env?.stop();
    });

    const view = async (paymentId: string) => (await http("GET", `${env.ingressUrl}/v1/payments/${paymentId}`)).body;
    const rules = async (res: Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>, status = 400): Promise<string[]> => {
      const answer = await res;
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      return (answer.body.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field}: ${e.rule}`);
    };
    const create = (body: unknown) => http("POST", `${env.ingressUrl}/v1/payments`, body, { "idempotency-key": randomUUID() });
    const refund = (paymentId: string, amount?: string, currency = "BRL") =>
      http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/refunds`, amount === undefined ? {} : { amount: { amount, currency } }, { "idempotency-key": randomUUID() });

    it("refuses bad Peru and Bre-B keys, and refunds that break a rule, with problem+json naming it, publishing nothing", async () => {
      const peru = (payeeKey: string, taxIdType: string | null = "DNI") => ({
        method: "PERU_KEY",
        payeeKey,
        amount: { amount: "25.00", currency: "PEN" },
        payer: { ...payer(), currency: "PEN", taxId: "12345678", taxIdType },
        externalReference: "pe-bad",
      });
      const { paymentId } = await createdPayment(env);
      const before = await env.topicCount(topics.paymentCommands.name);
      expect(await rules(create(peru(PERU_TEST_KEYS.cciWrongCheckDigit)))).toEqual([expect.stringMatching(/^payeeKey: CCI_CHECK_DIGIT_2: /)]);
      expect(await rules(create(peru("987654321")))).toEqual([expect.stringMatching(/^payeeKey: /)]);
      expect(await rules(create(peru("+56987654321")))).toEqual([expect.stringMatching(/^payeeKey: PHONE_COUNTRY_UNSUPPORTED/)]);
      expect(await rules(create(peru(PERU_TEST_KEYS.phone, null)))).toEqual([expect.stringMatching(/^payer\.taxIdType: is required/)]);
      expect(await rules(create(peru(PERU_TEST_KEYS.phone, "CUIT")))).toEqual([expect.stringMatching(/^payer\.taxIdType: DOCUMENT_TYPE/)]);
      const breb = { method: "BREB_KEY", payeeKey: "@ABCDEFGHIJKLMNOPQRSTUVW", amount: { amount: "50000", currency: "COP" }, payer: payer(), externalReference: "co-bad" };
      expect(await rules(create(breb))).toEqual([expect.stringMatching(/^payeeKey: .*LENGTH/)]);
      expect(await rules(create({ ...breb, payeeKey: "@CBAQ1EXD8", amount: { amount: "50000", currency: "BRL" } }))).toEqual(["amount.currency: must be COP: Bre-B pays in Colombian pesos"]);
      // A refund before the payment is paid, and one for more than was paid.
      expect((await refund(paymentId, "1.00")).status).toBe(409);
      expect((await confirm(env, paymentId, "ACCEPT")).status).toBe(202);
      await env.watcher.waitFor(paymentId, "COMPLETED");
      const afterConfirm = await env.topicCount(topics.paymentCommands.name);
      expect(afterConfirm).toBe(before + 1);
      expect(await rules(refund(paymentId, "10.51"), 422)).toEqual([expect.stringMatching(/^amount\.amount: REFUND_EXCEEDS_REFUNDABLE: must be at most 10\.50 BRL/)]);
      expect(await rules(refund(paymentId, "1.001"), 422)).toEqual([expect.stringMatching(/^amount\.amount: /)]);
      expect(await rules(refund(paymentId, "1.00", "USD"), 422)).toEqual(["amount.currency: must be BRL, the payment's currency"]);
      expect(await rules(http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/refunds`, { amount: { amount: "1.00", currency: "BRL" } }))).toEqual(["header Idempotency-Key: is required"]);
      expect(await env.topicCount(topics.paymentCommands.name)).toBe(afterConfirm);
      expect((await view(paymentId)).refunds).toEqual([]);
    });

    it("never refunds more than was paid, even when refunds race", async () => {
      const { paymentId } = await createdPayment(env);
      expect((await confirm(env, paymentId, "ACCEPT")).status).toBe(202);
      await env.watcher.waitFor(paymentId, "COMPLETED");
      // 10.50 paid; six refunds of 3.00 at once: three fit (9.00), three must be refused.
      const answers = await Promise.all(Array.from({ length: 6 }, () => refund(paymentId, "3.00")));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([202, 202, 202, 422, 422, 422]);
      await env.watcher.waitFor(paymentId, "PARTIALLY_REFUNDED");
      let current = await view(paymentId);
      while ((current.refunds as Array<{ status: string }>).some((r) => r.status !== "REFUNDED")) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        current = await view(paymentId);
      }
      expect(current.refundedAmount).toEqual({ amount: "9.00", currency: "BRL" });
      expect(current.status).toBe("PARTIALLY_REFUNDED");
      expect(await rules(refund(paymentId, "1.51"), 422)).toEqual([expect.stringMatching(/must be at most 1\.50 BRL/)]);
    });

    it("applies Depay's documented refund callbacks posted byte for byte, once each, and leaves a payment alone for an unknown status", async () => {
      if ((await http("GET", `${env.ingressUrl}/v1/payments/${DOC_PAYMENT_ID}`)).status === 200) {
        // A store kept from an earlier run on this stack already holds the documents' payment.
        expect((await view(DOC_PAYMENT_ID)).status).toBe("REFUNDED");
        return;
      }
      const command: InitiatePayment = {
        envelope: envelopeFor(DOC_PAYMENT_ID, null),
        method: "PIX_KEY",
        payeeKey: null,
        amount: { amount: "0.30", currency: "BRL" },
        payer: { ...payer(), taxIdType: null },
        externalReference: "depay-doc-refunds",
        details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
      };
      await env.publishCommand(DOC_PAYMENT_ID, { type: "riel.commands.InitiatePayment", value: command });
      await env.watcher.waitFor(DOC_PAYMENT_ID, "CREATED");
      expect((await confirm(env, DOC_PAYMENT_ID, "ACCEPT")).status).toBe(202);
      await env.watcher.waitFor(DOC_PAYMENT_ID, "COMPLETED");
      const url = callbackUrl(env.webhookUrl, "depay", DOC_PAYMENT_ID, env.webhookSecret);

      const unknown = PARTIAL_REFUND_EXAMPLE.replace('"PARTIALLY_REFUNDED"', '"ON_HOLD"');
      expect((await post(url, unknown)).status).toBe(200);
      expect((await post(url, PARTIAL_REFUND_EXAMPLE)).status).toBe(200);
      await env.watcher.waitFor(DOC_PAYMENT_ID, "PARTIALLY_REFUNDED");
      expect((await view(DOC_PAYMENT_ID)).refundedAmount).toEqual({ amount: "0.10", currency: "BRL" });
      expect((await post(url, PARTIAL_REFUND_EXAMPLE)).status).toBe(200);
      expect((await post(url, TOTAL_REFUND_EXAMPLE)).status).toBe(200);
      await env.watcher.waitFor(DOC_PAYMENT_ID, "REFUNDED");
      const done = await view(DOC_PAYMENT_ID);
      expect(done.refundedAmount).toEqual({ amount: "0.30", currency: "BRL" });
      expect(done.refunds).toEqual([
        expect.objectContaining({ refundId: null, status: "REFUNDED", amount: { amount: "0.10", currency: "BRL" } }),
        expect.objectContaining({ refundId: null, status: "REFUNDED", amount: { amount: "0.20", currency: "BRL" } }),
      ]);
      // The unknown status moved nothing; the repeated partial refund counted once.
      expect(env.watcher.statusesOf(DOC_PAYMENT_ID)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
    });

    it("refuses bad pay-in input with problem+json naming each rule, publishing nothing", async () => {
      const before = await env.topicCount(topics.paymentCommands.name);
      expect(await rules(create(payin({ channel: "QR", amount: { amount: "500.01", currency: "PEN" } })))).toEqual([expect.stringMatching(/^amount\.amount: QR_AMOUNT_LIMIT_EXCEEDED/)]);
      expect(await rules(create(payin({}, { documentType: "LE" })))).toEqual([expect.stringMatching(/^customer\.documentType: /)]);
      expect(await rules(create(payin({}, { documentNumber: "1234567" })))).toEqual([expect.stringMatching(/^customer\.documentNumber: DNI_FORMAT/)]);
      expect(await rules(create(payin({}, { documentType: "RUC", documentNumber: "20131312954" })))).toEqual([expect.stringMatching(/^customer\.documentNumber: RUC_CHECK_DIGIT/)]);
      expect(await rules(create(payin({ amount: { amount: "150.00", currency: "USD" } })))).toEqual([expect.stringMatching(/^amount\.currency: /)]);
      expect(await rules(create(payin({ expirationMinutes: 0 })))).toEqual([expect.stringMatching(/^expirationMinutes: /)]);
      expect(await env.topicCount(topics.paymentCommands.name)).toBe(before);
    });

    it("refuses a forged IPN with 401 and takes one posted as bytes with the payment's token", async () => {
      const res = await create(payin());
      expect(res.status).toBe(202);
      const paymentId = res.body.paymentId as string;
      const awaiting = await env.watcher.waitFor(paymentId, "AWAITING_PAYMENT");
      const ticket = awaiting.providerOrderId as string;
      const before = await env.topicCount(topics.providerEvents.name);
      const forged = await post(`${env.webhookUrl}/webhooks/tumipay/${paymentId}/forged-token`, ipnBytes(ticket, paymentId, "APPROVED"));
      expect(forged.status).toBe(401);
      expect(await env.topicCount(topics.providerEvents.name)).toBe(before);
      expect((await view(paymentId)).status).toBe("AWAITING_PAYMENT");
      const ok = await post(callbackUrl(env.webhookUrl, "tumipay", paymentId, env.webhookSecret), ipnBytes(ticket, paymentId, "APPROVED"));
      expect(ok.status).toBe(200);
      const paid = await env.watcher.waitFor(paymentId, "COMPLETED");
      expect(paid.amount).toEqual({ amount: "150.00", currency: "PEN" });
      expect((await view(paymentId)).history).toEqual(expect.arrayContaining([expect.objectContaining({ status: "COMPLETED", source: "PROVIDER_CALLBACK" })]));
    });

    it("syncs a pay-in from TumiPay's lookup", async () => {
      const res = await create(payin({ channel: "CARD" }));
      const paymentId = res.body.paymentId as string;
      const awaiting = await env.watcher.waitFor(paymentId, "AWAITING_PAYMENT");
      // Nothing to ask before the provider order exists is the only refusal; here it exists.
      expect((await http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/sync`, {})).status).toBe(202);
      const approve = await http("POST", `${env.tumipaySandboxUrl}/__sandbox/transactions/${awaiting.providerOrderId as string}/approve`, {});
      expect(approve.status).toBe(200);
      await env.watcher.waitFor(paymentId, "COMPLETED");
      expect((await http("POST", `${env.ingressUrl}/v1/payments/${paymentId}/sync`, {})).status).toBe(202);
      expect((await view(paymentId)).status).toBe("COMPLETED");
    });

    it("serves no QR image for a payment that has none", async () => {
      const { paymentId } = await createdPayment(env, pixPayment());
      const res = await http("GET", `${env.ingressUrl}/v1/payments/${paymentId}/qr.png`);
      expect(res.status).toBe(404);
    });
  });
}
