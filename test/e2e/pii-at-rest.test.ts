import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BREB_TEST_KEYS, PERU_TEST_KEYS, QR_TEST_CODES } from "@riel/depay-sandbox";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
// The test package does not depend on @riel/payments (yet): its source, as the services load it.
import type { PaymentView, StoredPayment } from "@riel/payments";
import { viewFor } from "@riel/payments";
import type { Infra } from "@riel/runtime";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import type { InitiatePayment } from "@riel/schemas";
import { envelopeFor, topics } from "@riel/schemas";
import type { Json } from "./harness.js";
import { http, StatusWatcher } from "./harness.js";

/**
 * What Riel keeps of a payment in its store, and what a `payments:read` view shows, for a payment
 * of every method: none of the payer's data, no full payee key, none of a pay-in customer's data
 * once the provider's order is known; and in a view without payments:read:personal, not even the
 * collector's tax id or a wallet's phone, which the projection keeps for those who may see them.
 */

const PAYER = { fullName: "Marta Oliveira Reis", currency: "BRL", accountNumber: "0031874526", taxId: "86217435090", taxIdType: null };
/** A Peru DNI: 8 digits, as Depay's Peru preview needs with its type. */
const PERU_PAYER = { ...PAYER, currency: "PEN", taxId: "47215836", taxIdType: "DNI" };
const CUSTOMER = { documentType: "DNI", documentNumber: "70315842", phoneCode: "51", phoneNumber: "912837465", email: "lucia.mamani@example.com", fullName: "Lucia Mamani" };

/** Every form a value could be stored in: as sent, and its digits alone. */
const forms = (...values: string[]): string[] => [...new Set(values.flatMap((v) => [v, v.replace(/\D/g, "")]).filter((v) => v.length >= 6))];

const PAYER_DATA = forms(PAYER.fullName, "Oliveira Reis", PAYER.accountNumber, PAYER.taxId, PERU_PAYER.taxId);
const CUSTOMER_DATA = forms(CUSTOMER.documentNumber, CUSTOMER.phoneNumber, CUSTOMER.email, "lucia.mamani", CUSTOMER.fullName, "Mamani");

interface Case {
  readonly name: string;
  /** The request body (for the ingress), or an InitiatePayment published straight to Kafka. */
  readonly request: Record<string, unknown> | ((paymentId: string) => InitiatePayment);
  /** The personal values of this payment beyond the payer's: the payee key, a QR payload and the key inside it, the customer. */
  readonly personal: readonly string[];
  /** The status it reaches with its provider order, then how it is driven to its final status. */
  readonly ordered: string;
  readonly finish: (paymentId: string, view: PaymentView) => Promise<void>;
  readonly final: string;
}

describe("personal data at rest and in views masked by scope", () => {
  let riel: RunningRiel;
  let infra: Infra;
  let watcher: StatusWatcher;

  beforeAll(async () => {
    const settings = infraFromEnv({});
    if (settings.kind !== "embedded") throw new Error("expected the embedded infrastructure");
    riel = await startEmbedded({ infra: settings, callbackDelayMs: 0, log: () => {} });
    infra = await connectInfra(settings, `e2e-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(infra.bus);
  });
  afterAll(async () => {
    await watcher?.stop();
    await infra?.close();
    await riel?.stop();
  });

  /** Every call to the ingress goes through here, with the key Riel was started with (every scope). */
  const ingress = (method: "GET" | "POST", path: string, body?: unknown): Promise<Json> =>
    http(method, `${riel.ingressUrl}${path}`, body, { authorization: `Bearer ${riel.apiKey}`, ...(method === "POST" ? { "idempotency-key": randomUUID() } : {}) });

  const accept = async (paymentId: string, walletId?: string): Promise<void> => {
    const res = await ingress("POST", `/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT", ...(walletId ? { walletId } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  };
  const payerApproves = async (ticket: string): Promise<void> => {
    const res = await http("POST", `${riel.tumipaySandboxUrl}/__sandbox/transactions/${ticket}/approve`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  const stored = async (paymentId: string): Promise<StoredPayment> => {
    const raw = await infra.store.projections.read(`payment:${paymentId}`);
    if (!raw) throw new Error(`payment ${paymentId} is not stored`);
    return JSON.parse(raw.value) as StoredPayment;
  };

  /**
   * The personal values the stored payment holds. The view's collector tax id and wallet phones
   * are left out: the projection keeps them for payments:read:personal, and only there.
   */
  const foundAtRest = (payment: StoredPayment, values: readonly string[]): string[] => {
    const { collector, wallets, ...view } = payment.view;
    const kept = JSON.stringify({
      ...payment,
      view: { ...view, collector: collector && { ...collector, identificationNumber: "" }, wallets: wallets?.map((w) => ({ ...w, mobile: "" })) ?? null },
    });
    return values.filter((v) => kept.includes(v));
  };
  const foundIn = (value: unknown, values: readonly string[]): string[] => values.filter((v) => JSON.stringify(value).includes(v));

  const CASES: readonly Case[] = [
    {
      name: "Pix, a CPF key",
      request: { method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.50", currency: "BRL" }, payer: PAYER, externalReference: "rest-pix" },
      personal: forms("390.533.447-05"),
      ordered: "CREATED",
      finish: (id) => accept(id),
      final: "COMPLETED",
    },
    {
      name: "Peru, a phone key, the payee's wallet chosen",
      request: { method: "PERU_KEY", payeeKey: PERU_TEST_KEYS.phone, amount: { amount: "25.00", currency: "PEN" }, payer: PERU_PAYER, externalReference: "rest-pe" },
      personal: forms(PERU_TEST_KEYS.phone, "987654321"),
      ordered: "CREATED",
      async finish(id, view) {
        const walletId = view.wallets?.at(-1)?.id;
        expect(walletId).toEqual(expect.any(String));
        await accept(id, walletId);
      },
      final: "COMPLETED",
    },
    {
      name: "Bre-B, an @ key",
      request: { method: "BREB_KEY", payeeKey: BREB_TEST_KEYS.random, amount: { amount: "50000.00", currency: "COP" }, payer: { ...PAYER, currency: "COP" }, externalReference: "rest-co" },
      personal: [BREB_TEST_KEYS.random, BREB_TEST_KEYS.random.slice(1)],
      ordered: "CREATED",
      finish: (id) => accept(id),
      final: "COMPLETED",
    },
    {
      name: "EMV QR, a merchant's Pix code (EVP key inside)",
      request: { method: "EMV_QR", qr: QR_TEST_CODES.closed, payer: PAYER, externalReference: "rest-qr" },
      personal: [QR_TEST_CODES.closed, "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202"],
      ordered: "CREATED",
      finish: (id) => accept(id),
      final: "COMPLETED",
    },
    {
      name: "EMV QR, a person's Pix code (CPF key inside), rejected by the bank",
      request: { method: "EMV_QR", qr: QR_TEST_CODES.rejected, payer: PAYER, externalReference: "rest-qr-cpf" },
      personal: [QR_TEST_CODES.rejected, "11144477735"],
      ordered: "CREATED",
      finish: (id) => accept(id),
      final: "REJECTED",
    },
    {
      name: "TumiPay pay-in, paid by the customer",
      request: {
        method: "PERU_PAYIN",
        channel: "BANK_TRANSFER",
        amount: { amount: "150.00", currency: "PEN" },
        customer: CUSTOMER,
        redirectUrl: "https://shop.example.com/paid",
        externalReference: "rest-payin",
      },
      personal: CUSTOMER_DATA,
      ordered: "AWAITING_PAYMENT",
      finish: (_id, view) => payerApproves(view.providerOrderId ?? ""),
      final: "COMPLETED",
    },
    {
      // Commands published straight to Kafka are stored before any rule judges them.
      name: "a command straight from Kafka whose details are another method's (a pay-in's customer under PIX_KEY), refused",
      request: (paymentId) => ({
        envelope: envelopeFor(paymentId, null),
        method: "PIX_KEY",
        payeeKey: null,
        amount: { amount: "10.00", currency: "BRL" },
        payer: PAYER,
        externalReference: "rest-foreign",
        details: { "riel.PeruPayinDetails": { channel: "QR", customer: CUSTOMER, description: null, expirationMinutes: 720, redirectUrl: "https://shop.example.com/paid" } },
      }),
      personal: CUSTOMER_DATA,
      ordered: "REJECTED",
      finish: async () => {},
      final: "REJECTED",
    },
    {
      name: "a command straight from Kafka of no method Riel has (a CPF key under UNSUPPORTED), refused",
      request: (paymentId) => ({
        envelope: envelopeFor(paymentId, null),
        method: "UNSUPPORTED",
        payeeKey: null,
        amount: { amount: "10.00", currency: "BRL" },
        payer: PAYER,
        externalReference: "rest-unsupported",
        details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
      }),
      personal: forms("390.533.447-05"),
      ordered: "REJECTED",
      finish: async () => {},
      final: "REJECTED",
    },
  ];

  const paid = new Map<string, { readonly paymentId: string; readonly personal: readonly string[] }>();

  for (const c of CASES) {
    it(`${c.name}: nothing personal at rest from its order on, and a view read without the personal scope shows none of it`, async () => {
      const personal = [...PAYER_DATA, ...c.personal];
      let paymentId: string;
      if (typeof c.request === "function") {
        paymentId = randomUUID();
        await infra.bus.publish(topics.paymentCommands.name, paymentId, { type: "riel.commands.InitiatePayment", value: c.request(paymentId) });
      } else {
        const created = await ingress("POST", "/v1/payments", c.request);
        expect(created.status, JSON.stringify(created.body)).toBe(202);
        paymentId = created.body.paymentId as string;
        // Written by the ingress (or the projector) before the answer: the whole command only while no order is known.
        const first = await stored(paymentId);
        expect(first.initiate !== undefined).toBe(first.view.providerOrderId === null && !first.view.final);
        expect(foundIn(first.details, personal), "the method's details at rest").toEqual([]);
      }

      await watcher.waitFor(paymentId, c.ordered);
      const ordered = await stored(paymentId);
      expect(ordered.view.providerOrderId !== null || ordered.view.final).toBe(true);
      expect(ordered.initiate, "the InitiatePayment is dropped once the order is known").toBeUndefined();
      expect(foundAtRest(ordered, personal), `at rest in ${c.ordered}`).toEqual([]);

      await c.finish(paymentId, ordered.view);
      await watcher.waitFor(paymentId, c.final);
      const ended = await stored(paymentId);
      expect(ended.initiate).toBeUndefined();
      expect(foundAtRest(ended, personal), `at rest in ${c.final}`).toEqual([]);

      const masked = viewFor(ended.view, { personal: false });
      expect(foundIn(masked, personal), "in the view without payments:read:personal").toEqual([]);
      if (ended.view.collector !== null) {
        expect(JSON.stringify(masked)).not.toContain(ended.view.collector.identificationNumber);
        expect(masked.collector?.name).toBe(ended.view.collector.name);
      }
      for (const wallet of ended.view.wallets ?? []) expect(JSON.stringify(masked)).not.toContain(wallet.mobile);
      expect(viewFor(ended.view, { personal: true })).toEqual(ended.view);
      paid.set(c.name, { paymentId, personal });
    });
  }

  it("the views read through the ingress with every scope show what payments:read:personal allows, whole", async () => {
    expect(paid.size).toBe(CASES.length);
    for (const { paymentId } of paid.values()) {
      const read = await ingress("GET", `/v1/payments/${paymentId}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual((await stored(paymentId)).view);
    }
  });
});
