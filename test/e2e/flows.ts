import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QR_TEST_CODES } from "@riel/depay-sandbox";
import type { PaymentStatus } from "@riel/rails";
import type { Json } from "./harness.js";
import { http, payer, pixPayment } from "./harness.js";
import type { FlowEnv } from "./api.js";
import { payCounts } from "./api.js";

/** One step of a payment's life as upstream and the provider live it. */
export type FlowStep =
  /** Wait for this public status event; then the payment's view must hold `view` (a subset). */
  | { readonly expect: PaymentStatus; readonly view?: Readonly<Record<string, unknown>> }
  /** POST /v1/payments/{id}/confirm; `answer` is the HTTP status upstream must get (202 unless said). */
  | { readonly confirm: "ACCEPT" | "REJECT"; readonly answer?: number }
  /** POST /v1/payments/{id}/amount. */
  | { readonly amount: string; readonly currency: string; readonly answer?: number }
  /** Something only the provider's side does (a merchant typing the amount, a preview expiring). */
  | { readonly provider: string; readonly run: (env: FlowEnv, orderId: string) => Promise<Json> };

/** A payment flow as data: the request, the steps, and the public statuses it must leave behind, in order. */
export interface FlowSpec {
  readonly name: string;
  readonly request: () => Record<string, unknown>;
  readonly steps: readonly FlowStep[];
  readonly statuses: readonly PaymentStatus[];
  /** Pay calls the provider must have seen: a payment is never paid twice. */
  readonly payCalls: number;
}

const qr = (code: string) => () => ({ method: "EMV_QR", qr: code, payer: payer(), externalReference: `qr-${randomUUID().slice(0, 8)}` });
const merchantTypesAmount = (amount: number): FlowStep => ({
  provider: `the merchant types ${amount} at the till`,
  run: (env, orderId) => http("POST", `${env.sandboxUrl}/__sandbox/orders/${orderId}/merchant-amount`, { amount }),
});
const previewExpires: FlowStep = {
  provider: "the preview expires",
  run: (env, orderId) => http("POST", `${env.sandboxUrl}/__sandbox/orders/${orderId}/expire`, {}),
};

export const FLOWS: readonly FlowSpec[] = [
  {
    name: "Pix key, accepted",
    request: () => pixPayment(),
    steps: [
      { expect: "CREATED", view: { method: "PIX_KEY", details: { keyType: "PIX_CPF" }, amount: { amount: "10.50", currency: "BRL" }, actions: ["ACCEPT", "REJECT"] } },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED", view: { final: false, actions: ["REFUND"] } },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  {
    name: "Pix key, rejected by the payer",
    request: () => pixPayment(),
    steps: [{ expect: "CREATED" }, { confirm: "REJECT" }, { expect: "CANCELED", view: { final: true } }, { confirm: "ACCEPT", answer: 409 }],
    statuses: ["RECEIVED", "CREATED", "CANCELED"],
    payCalls: 1,
  },
  {
    name: "EMV QR, closed amount",
    request: qr(QR_TEST_CODES.closed),
    steps: [
      {
        expect: "CREATED",
        view: {
          method: "EMV_QR",
          amount: { amount: "10.50", currency: "BRL" },
          details: { country: "BR", currency: "BRL", amountMode: "CLOSED", merchantName: "RIEL RESTAURANTE", merchantCity: "SAO PAULO" },
          localAmount: { amount: "10.50", currency: "BRL" },
          collector: { name: expect.any(String) },
        },
      },
      { amount: "5.00", currency: "BRL", answer: 400 },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  {
    name: "EMV QR, open amount: the payer enters it",
    request: qr(QR_TEST_CODES.open),
    steps: [
      { expect: "WAITING_AMOUNT", view: { amount: null, currency: "PEN", details: { amountMode: "OPEN", country: "PE" }, actions: ["SET_AMOUNT", "REJECT"] } },
      { confirm: "ACCEPT", answer: 409 },
      { amount: "12.345", currency: "PEN", answer: 400 },
      { amount: "12.30", currency: "USD", answer: 400 },
      { amount: "12.30", currency: "PEN" },
      { expect: "CREATED", view: { amount: { amount: "12.30", currency: "PEN" }, localAmount: { amount: "12.30", currency: "PEN" } } },
      { amount: "13.00", currency: "PEN", answer: 409 },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
    ],
    statuses: ["RECEIVED", "WAITING_AMOUNT", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  {
    name: "EMV QR, Argentina PROCESS_LATER: the merchant enters the amount later",
    request: qr(QR_TEST_CODES.processLater),
    steps: [
      { expect: "PROCESS_LATER", view: { amount: null, currency: "ARS", actions: ["REJECT"], nextStep: expect.stringContaining("merchant") } },
      { amount: "100.00", currency: "ARS", answer: 409 },
      { confirm: "ACCEPT", answer: 409 },
      merchantTypesAmount(2500),
      { expect: "CREATED", view: { amount: { amount: "2500.00", currency: "ARS" } } },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
    ],
    statuses: ["RECEIVED", "PROCESS_LATER", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  {
    name: "EMV QR, Argentina PROCESS_LATER: the merchant never enters it",
    request: qr(QR_TEST_CODES.processLater),
    steps: [{ expect: "PROCESS_LATER" }, previewExpires, { expect: "CANCELED", view: { final: true, reason: "Order expired" } }, { confirm: "REJECT", answer: 409 }],
    statuses: ["RECEIVED", "PROCESS_LATER", "CANCELED"],
    payCalls: 0,
  },
  {
    name: "EMV QR, preview expired before the accept",
    request: qr(QR_TEST_CODES.closed),
    steps: [{ expect: "CREATED" }, previewExpires, { expect: "CANCELED", view: { reason: "Order expired", actions: [] } }, { confirm: "ACCEPT", answer: 409 }],
    statuses: ["RECEIVED", "CREATED", "CANCELED"],
    payCalls: 0,
  },
  {
    name: "EMV QR, rejected by the destination bank",
    request: qr(QR_TEST_CODES.rejected),
    steps: [{ expect: "CREATED" }, { confirm: "ACCEPT" }, { expect: "REJECTED", view: { final: true, reason: "VENCIDO | 0200 - AVISO ENVIADO" } }],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "REJECTED"],
    payCalls: 1,
  },
  {
    name: "EMV QR, failed at the provider",
    request: qr(QR_TEST_CODES.failed),
    steps: [{ expect: "CREATED" }, { confirm: "ACCEPT" }, { expect: "FAILED", view: { final: true, reason: "ACCOUNT_BLOCKED The specified account is blocked." } }],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "FAILED"],
    payCalls: 1,
  },
];

async function runFlow(env: FlowEnv, flow: FlowSpec): Promise<void> {
  const created = await http("POST", `${env.ingressUrl}/v1/payments`, flow.request(), { "idempotency-key": randomUUID() });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const paymentId = created.body.paymentId as string;
  const url = `${env.ingressUrl}/v1/payments/${paymentId}`;
  let orderId: string | null = null;
  for (const step of flow.steps) {
    if ("expect" in step) {
      const event = await env.watcher.waitFor(paymentId, step.expect);
      orderId = event.providerOrderId ?? orderId;
      const view = await http("GET", url);
      expect(view.body.status).toBe(step.expect);
      if (step.view) expect(view.body).toMatchObject(step.view);
    } else if ("confirm" in step) {
      const res = await http("POST", `${url}/confirm`, { decision: step.confirm }, { "idempotency-key": randomUUID() });
      expect(res.status, JSON.stringify(res.body)).toBe(step.answer ?? 202);
    } else if ("amount" in step) {
      const res = await http("POST", `${url}/amount`, { amount: { amount: step.amount, currency: step.currency } }, { "idempotency-key": randomUUID() });
      expect(res.status, JSON.stringify(res.body)).toBe(step.answer ?? 202);
      if (res.status >= 400) expect(res.headers.get("content-type")).toContain("application/problem+json");
    } else {
      if (orderId === null) throw new Error(`${step.provider}: no provider order yet; put an expect step before it`);
      const res = await step.run(env, orderId);
      expect(res.status, `${step.provider}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  }
  const last = flow.statuses[flow.statuses.length - 1] as PaymentStatus;
  await env.watcher.waitFor(paymentId, last);
  const done = await http("GET", url);
  expect((done.body.history as Array<{ status: string }>).map((h) => h.status)).toEqual(flow.statuses);
  expect(env.watcher.statusesOf(paymentId)).toEqual(flow.statuses);
  if (orderId !== null) expect((await payCounts(env, orderId)).effects).toBe(flow.payCalls);
}

/** Every flow of FLOWS against a running Riel, however it was started. */
export function runFlowSuite(name: string, start: () => Promise<FlowEnv>): void {
  describe(`payment flows: ${name}`, () => {
    let env: FlowEnv;
    beforeAll(async () => {
      env = await start();
    });
    afterAll(async () => {
      await env?.stop();
    });
    for (const flow of FLOWS) it(flow.name, () => runFlow(env, flow));
  });
}
