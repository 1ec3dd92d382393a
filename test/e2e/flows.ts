import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BREB_TEST_KEYS, PERU_TEST_KEYS, PIX_TEST_KEYS, QR_TEST_CODES } from "@riel/depay-sandbox";
import { PNG } from "pngjs";
import jsqr from "jsqr";
import type { PaymentStatus } from "@riel/rails";
import type { Json } from "./harness.js";
import { http, payer, pixPayment, TEST_API_KEY } from "./harness.js";
import type { FlowEnv } from "./api.js";
import { payCounts } from "./api.js";

/** One step of a payment's life as upstream and the provider live it. */
export type FlowStep =
  /** Wait for this public status event; then the payment's view must hold `view` (a subset). */
  | { readonly expect: PaymentStatus; readonly view?: Readonly<Record<string, unknown>> }
  /**
   * POST /v1/payments/{id}/confirm; `answer` is the HTTP status upstream must get (202 unless said).
   * `wallet`: "offered" names the last wallet the payment's view offers, a string names that id.
   */
  | { readonly confirm: "ACCEPT" | "REJECT"; readonly answer?: number; readonly wallet?: string }
  /** POST /v1/payments/{id}/refunds with this amount (null: the rest). */
  | { readonly refund: string | null; readonly currency?: string; readonly answer?: number }
  /** POST /v1/payments/{id}/sync: the provider is asked where the payment is. */
  | { readonly sync: true; readonly answer?: number }
  /** Reads the view until `until` holds (a change that publishes no status event, like a refused refund). */
  | { readonly until: string; readonly holds: (view: Record<string, unknown>) => boolean }
  /** Checks something upstream would look at, beyond the view. */
  | { readonly check: string; readonly run: (env: FlowEnv, paymentId: string) => Promise<void> }
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
  /** Pay calls the provider must have seen (pay-ins: transactions created): a payment is never paid twice. */
  readonly payCalls: number;
  /** The provider whose sandbox counts them; Depay unless said. */
  readonly provider?: "depay" | "tumipay";
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

const OTHER_WALLET = "00000000-0000-4000-8000-000000000000";
const perPayer = (currency: string, taxIdType: string | null = null, taxId = "39053344705") => ({ fullName: "Ana Quispe", currency, accountNumber: "0009795493", taxId, taxIdType });
const peru = (payeeKey: string) => () => ({
  method: "PERU_KEY",
  payeeKey,
  amount: { amount: "25.00", currency: "PEN" },
  payer: perPayer("PEN", "DNI", "12345678"),
  externalReference: `pe-${randomUUID().slice(0, 8)}`,
});
const breb = (payeeKey: string) => () => ({
  method: "BREB_KEY",
  payeeKey,
  amount: { amount: "50000.00", currency: "COP" },
  payer: perPayer("COP"),
  externalReference: `co-${randomUUID().slice(0, 8)}`,
});
const payin = (channel: string, amount = "150.00") => () => ({
  method: "PERU_PAYIN",
  channel,
  amount: { amount, currency: "PEN" },
  customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: `payer-${randomUUID().slice(0, 8)}@example.com`, fullName: "Rosa Huaman" },
  description: "Pedido 1024",
  redirectUrl: "https://shop.example.com/paid",
  externalReference: `pi-${randomUUID().slice(0, 8)}`,
});
/** The payer acts at TumiPay (pays, is refused, is declined, or lets the time run out). */
const payerAt = (action: "approve" | "reject" | "decline" | "expire"): FlowStep => ({
  provider: `the payer's transaction: ${action}`,
  run: (env, ticket) => http("POST", `${env.tumipaySandboxUrl}/__sandbox/transactions/${ticket}/${action}`, {}),
});
const refunds = (view: Record<string, unknown>) => (view.refunds as Array<{ status: string; amount: { amount: string } }>) ?? [];
const qrImageDecodes: FlowStep = {
  check: "the QR image at /v1/payments/{id}/qr.png decodes to TumiPay's payment string",
  async run(env, paymentId) {
    const res = await fetch(`${env.ingressUrl}/v1/payments/${paymentId}/qr.png`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    // jsqr is CommonJS whose types declare an ES default export: under NodeNext the function is `.default`.
    const code = jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toMatch(/^TUMIPAY\|PE\|[^|]+\|150\.00$/);
  },
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
  {
    name: "Peru CCI, accepted",
    request: peru("002-193-001234567890-13"),
    steps: [
      { expect: "CREATED", view: { method: "PERU_KEY", details: { keyType: "PE_CCI" }, amount: { amount: "25.00", currency: "PEN" }, wallets: null } },
      { confirm: "ACCEPT", wallet: OTHER_WALLET, answer: 400 },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  {
    name: "Peru CCI, rejected by the destination bank",
    request: peru(PERU_TEST_KEYS.cciRejected),
    steps: [{ expect: "CREATED" }, { confirm: "ACCEPT" }, { expect: "REJECTED", view: { final: true } }],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "REJECTED"],
    payCalls: 1,
  },
  {
    name: "Peru phone key, the payee's wallet chosen",
    request: peru(PERU_TEST_KEYS.phone),
    steps: [
      { expect: "CREATED", view: { details: { keyType: "PE_PHONE" }, wallets: [expect.objectContaining({ id: expect.any(String), brand: expect.any(String) }), expect.anything()] } },
      { confirm: "ACCEPT", answer: 400 },
      { confirm: "ACCEPT", wallet: OTHER_WALLET, answer: 400 },
      { confirm: "ACCEPT", wallet: "offered" },
      { expect: "COMPLETED" },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  ...(["name", "id", "random", "openInput"] as const).map(
    (type): FlowSpec => ({
      name: `Bre-B key, ${type}`,
      request: breb(BREB_TEST_KEYS[type]),
      steps: [
        { expect: "CREATED", view: { method: "BREB_KEY", details: { keyType: type === "id" ? "BREB_ID" : type === "random" ? "BREB_RANDOM" : "BREB_ALPHANUMERIC" }, currency: "COP", amount: { amount: "50000.00", currency: "COP" }, localAmount: { amount: "50000.00", currency: "COP" } } },
        { confirm: "ACCEPT" },
        { expect: "COMPLETED" },
      ],
      statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
      payCalls: 1,
    }),
  ),
  {
    name: "Refund, full",
    request: () => pixPayment(),
    steps: [
      { expect: "CREATED" },
      { refund: "10.50", answer: 409 },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
      { refund: "10.51", answer: 422 },
      { refund: null },
      { expect: "REFUNDED", view: { final: true, refundedAmount: { amount: "10.50", currency: "BRL" }, refunds: [expect.objectContaining({ status: "REFUNDED", amount: { amount: "10.50", currency: "BRL" } })] } },
      { refund: "1.00", answer: 409 },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED", "REFUNDED"],
    payCalls: 1,
  },
  {
    name: "Refund, partial then the rest",
    request: () => pixPayment(),
    steps: [
      { expect: "CREATED" },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
      { refund: "4.00" },
      { expect: "PARTIALLY_REFUNDED", view: { final: false, actions: ["REFUND"], refundedAmount: { amount: "4.00", currency: "BRL" } } },
      { refund: "6.51", answer: 422 },
      { refund: null },
      {
        expect: "REFUNDED",
        view: {
          refundedAmount: { amount: "10.50", currency: "BRL" },
          refunds: [expect.objectContaining({ status: "REFUNDED", amount: { amount: "4.00", currency: "BRL" } }), expect.objectContaining({ status: "REFUNDED", amount: { amount: "6.50", currency: "BRL" } })],
        },
      },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
    payCalls: 1,
  },
  {
    name: "Refund, rejected by the provider: the payment stays as it was",
    request: () => pixPayment(),
    steps: [
      { expect: "CREATED" },
      { confirm: "ACCEPT" },
      { expect: "COMPLETED" },
      { refund: "1.13" },
      { until: "the refund shows REJECTED", holds: (view) => refunds(view)[0]?.status === "REJECTED" },
      { expect: "COMPLETED", view: { status: "COMPLETED", refundedAmount: null, actions: ["REFUND"], refunds: [expect.objectContaining({ status: "REJECTED", reason: expect.stringContaining("REFUND_REJECTED") })] } },
      { refund: null },
      { expect: "REFUNDED", view: { refundedAmount: { amount: "10.50", currency: "BRL" } } },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED", "REFUNDED"],
    payCalls: 1,
  },
  {
    name: "Sync: the provider's callbacks never come, the status query tells",
    request: () => pixPayment({ payeeKey: PIX_TEST_KEYS.silent }),
    steps: [
      { expect: "CREATED" },
      { confirm: "ACCEPT" },
      { expect: "PROCESSING" },
      { sync: true },
      { expect: "COMPLETED", view: { history: expect.arrayContaining([expect.objectContaining({ status: "COMPLETED", source: "STATUS_QUERY" })]) } },
    ],
    statuses: ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"],
    payCalls: 1,
  },
  ...(["BANK_TRANSFER", "QR", "PAGOEFECTIVO", "ALL_METHODS", "CARD"] as const).map(
    (channel): FlowSpec => ({
      name: `Pay-in ${channel}, paid`,
      provider: "tumipay",
      request: payin(channel),
      steps: [
        {
          expect: "AWAITING_PAYMENT",
          view: {
            method: "PERU_PAYIN",
            provider: "tumipay",
            details: { channel },
            amount: { amount: "150.00", currency: "PEN" },
            actions: [],
            payerInstructions: expect.objectContaining({ paymentUrl: expect.stringContaining("http"), expiresAt: expect.any(String), qrPngBase64: channel === "QR" ? expect.any(String) : null }),
          },
        },
        ...(channel === "QR" ? [qrImageDecodes] : []),
        { confirm: "ACCEPT", answer: 409 },
        { refund: null, answer: 409 },
        payerAt("approve"),
        { expect: "COMPLETED", view: { actions: [] } },
      ],
      statuses: ["RECEIVED", "AWAITING_PAYMENT", "PROCESSING", "COMPLETED"],
      payCalls: 1,
    }),
  ),
  {
    name: "Pay-in, rejected by the payer's bank",
    provider: "tumipay",
    request: payin("BANK_TRANSFER"),
    steps: [{ expect: "AWAITING_PAYMENT" }, payerAt("reject"), { expect: "REJECTED", view: { final: true } }],
    statuses: ["RECEIVED", "AWAITING_PAYMENT", "PROCESSING", "REJECTED"],
    payCalls: 1,
  },
  {
    name: "Pay-in, declined by TumiPay's rules",
    provider: "tumipay",
    request: payin("CARD"),
    steps: [{ expect: "AWAITING_PAYMENT" }, payerAt("decline"), { expect: "DECLINED", view: { final: true } }],
    statuses: ["RECEIVED", "AWAITING_PAYMENT", "PROCESSING", "DECLINED"],
    payCalls: 1,
  },
  {
    name: "Pay-in, expired: the payer never paid",
    provider: "tumipay",
    request: payin("PAGOEFECTIVO"),
    steps: [{ expect: "AWAITING_PAYMENT" }, payerAt("expire"), { expect: "EXPIRED", view: { final: true, nextStep: expect.stringContaining("time ran out") } }],
    statuses: ["RECEIVED", "AWAITING_PAYMENT", "EXPIRED"],
    payCalls: 1,
  },
];

/** Runs one flow against a running Riel and checks where it ends; the payment's id. */
export async function runFlow(env: FlowEnv, flow: FlowSpec): Promise<string> {
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
      let walletId = step.wallet;
      if (walletId === "offered") {
        const view = await http("GET", url);
        walletId = ((view.body.wallets as Array<{ id: string }> | null) ?? []).at(-1)?.id;
      }
      const res = await http("POST", `${url}/confirm`, { decision: step.confirm, ...(walletId ? { walletId } : {}) }, { "idempotency-key": randomUUID() });
      expect(res.status, JSON.stringify(res.body)).toBe(step.answer ?? 202);
      if (res.status >= 400) expect(res.headers.get("content-type")).toContain("application/problem+json");
    } else if ("refund" in step) {
      const view = await http("GET", url);
      const body = step.refund === null ? {} : { amount: { amount: step.refund, currency: step.currency ?? view.body.currency } };
      const res = await http("POST", `${url}/refunds`, body, { "idempotency-key": randomUUID() });
      expect(res.status, JSON.stringify(res.body)).toBe(step.answer ?? 202);
      if (res.status >= 400) expect(res.headers.get("content-type")).toContain("application/problem+json");
    } else if ("sync" in step) {
      const res = await http("POST", `${url}/sync`, {});
      expect(res.status, JSON.stringify(res.body)).toBe(step.answer ?? 202);
    } else if ("until" in step) {
      // No event tells it: read the view as upstream would, until it shows the change.
      for (let view = await http("GET", url); !step.holds(view.body); view = await http("GET", url)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } else if ("check" in step) {
      await step.run(env, paymentId);
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
  if (flow.provider === "tumipay") {
    const calls = await http("GET", `${env.tumipaySandboxUrl}/__sandbox/calls`);
    expect((calls.body.references as Record<string, { effects: number }>)[paymentId]?.effects).toBe(flow.payCalls);
  } else if (orderId !== null) expect((await payCounts(env, orderId)).effects).toBe(flow.payCalls);
  return paymentId;
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
