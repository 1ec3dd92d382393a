import { describe, expect, it } from "vitest";
import type { InitiatePayment, Money } from "@riel/schemas";
import { PAYMENT_REQUEST_EXAMPLES } from "./api.js";
import type { MethodName } from "./method.js";
import { viewFor } from "./privacy.js";
import { METHODS, methodOf, parsePaymentRequest } from "./registry.js";
import type { PaymentView, StoredPayment } from "./view.js";
import { initialView } from "./view.js";

const envelope = { eventId: "e-1", occurredAt: "2026-11-22T05:16:19.562Z", paymentId: "p-1", correlationId: "c-1", causationId: null };

/** A request example as the command the ingress would publish. */
function commandOf(body: Readonly<Record<string, unknown>>): InitiatePayment {
  const parsed = parsePaymentRequest(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { method, amount, payer, externalReference, details } = parsed.value;
  return { envelope, method, payeeKey: null, amount, payer, externalReference, details };
}

/** Every personal value a request carries, as sent and as its digits alone. */
function personalOf(body: Readonly<Record<string, unknown>>): string[] {
  const payer = body.payer as Record<string, string> | undefined;
  const customer = body.customer as Record<string, string> | undefined;
  const values = [
    payer?.fullName,
    payer?.accountNumber,
    payer?.taxId,
    body.payeeKey as string | undefined,
    body.qr as string | undefined,
    customer?.documentNumber,
    customer?.phoneNumber,
    customer?.email,
    customer?.fullName,
  ].filter((v): v is string => v !== undefined);
  return [...new Set(values.flatMap((v) => [v, v.replace(/\D/g, "")]).filter((v) => v.length >= 6))];
}

const found = (value: unknown, values: readonly string[]): string[] => values.filter((v) => JSON.stringify(value).includes(v));

const COLLECTOR_ID = "20314691769";
const WALLET_PHONES = ["+51987654321", "+51912345678"];

/** The view once a preview and a refusal told what they tell: the collector, the wallets, the provider's words. */
function reported(stored: StoredPayment, key: string): PaymentView {
  const { view } = stored;
  const reason = `INVALID_DICT_KEY: ${key} belongs to ${COLLECTOR_ID}`;
  return {
    ...view,
    providerOrderId: "1610b5fb-4326-42ea-9017-c887b08505d3",
    collector: { name: "DEPAY MARKET", identificationNumber: COLLECTOR_ID, branchOffice: null },
    wallets: WALLET_PHONES.map((mobile, i) => ({ id: `9b2f7c1e-4d3a-4f8b-9a6e-2c1d0e5f7a8${i}`, brand: i === 0 ? "YAPE" : "PLIN", mobile, present: true, directory: "CCE", participantCode: "0801" })),
    reason,
    history: [...view.history, { status: "REJECTED", source: "PROVIDER_CALLBACK", at: envelope.occurredAt, eventId: "e-2", reason }],
    refunds: [{ refundId: "r-1", amount: { amount: "1.00", currency: view.currency }, status: "REJECTED", reason: `account ${COLLECTOR_ID} closed`, requestedAt: envelope.occurredAt, updatedAt: envelope.occurredAt }],
    attention: { status: "REJECTED", since: envelope.occurredAt, raisedAt: envelope.occurredAt, checks: 3, reason: `the provider still says ${COLLECTOR_ID}` },
  };
}

const examples = Object.entries(PAYMENT_REQUEST_EXAMPLES).flatMap(([method, byName]) =>
  Object.entries(byName).map(([name, example]) => ({ method: method as MethodName, name, body: example.value })),
);

describe("personal data of every method, at rest and in views", () => {
  it("has request examples of every method", () => {
    expect(new Set(examples.map((e) => e.method))).toEqual(new Set(METHODS.map((m) => m.method)));
  });

  describe.each(examples)("$method ($name)", ({ body }) => {
    const command = commandOf(body);
    const stored = initialView(command);
    const personal = personalOf(body);
    const module = methodOf(command.method);
    if (!module || !command.details) throw new Error(`no module or details for ${command.method}`);
    const whole = command.details;
    const kept = stored.details;

    it("keeps its details with nothing personal whole, and the whole command only in `initiate`", () => {
      expect(personal.length).toBeGreaterThan(0);
      expect(kept).not.toBeNull();
      expect(found(kept, personal)).toEqual([]);
      expect(found(stored.view, personal)).toEqual([]);
      expect(JSON.parse(stored.initiate ?? "null")).toEqual(command);
    });

    it("answers every later check the same from the details it keeps", () => {
      if (!kept) return;
      expect(module.needsWallet(kept)).toBe(module.needsWallet(whole));
      expect(module.currencyOf(kept)).toBe(module.currencyOf(whole));
      expect(module.view(kept)).toEqual(module.view(whole));
      const later: Money = { amount: "12.30", currency: module.currencyOf(whole) || "PEN" };
      expect(module.laterAmount(kept, later)).toEqual(module.laterAmount(whole, later));
    });

    it("shows without the personal scope no tax id, phone, key or document, even in the provider's words; and with it, the view whole", () => {
      // What a provider might echo: the payee key, or for a QR code the CPF key of a person's Pix code.
      const key = String(body.payeeKey ?? "111.444.777-35");
      const view = reported(stored, key);
      const masked = viewFor(view, { personal: false });
      expect(found(masked, [...personal, COLLECTOR_ID, ...WALLET_PHONES, ...WALLET_PHONES.map((p) => p.slice(3))])).toEqual([]);
      expect(masked.collector).toEqual({ name: "DEPAY MARKET", identificationNumber: "*******1769", branchOffice: null });
      expect(masked.wallets?.map((w) => [w.id, w.brand, w.mobile])).toEqual(view.wallets?.map((w) => [w.id, w.brand, `*********${w.mobile.slice(-3)}`]));
      // Everything else is the view as it was.
      const { collector: _c, wallets: _w, reason: _r, history, refunds, attention, ...rest } = masked;
      const { collector: _c2, wallets: _w2, reason: _r2, history: h2, refunds: r2, attention: a2, ...restWhole } = view;
      expect(rest).toEqual(restWhole);
      expect(history.map(({ reason: _, ...h }) => h)).toEqual(h2.map(({ reason: _, ...h }) => h));
      expect(refunds.map(({ reason: _, ...r }) => r)).toEqual(r2.map(({ reason: _, ...r }) => r));
      expect({ ...attention, reason: "" }).toEqual({ ...a2, reason: "" });
      expect(viewFor(view, { personal: true })).toEqual(view);
    });
  });

  it("keeps no details of a command whose details are another method's, or of no method (commands straight from Kafka, refused by their connector)", () => {
    const payin = commandOf(PAYMENT_REQUEST_EXAMPLES.PERU_PAYIN.payinAll?.value ?? {});
    const pix = commandOf(PAYMENT_REQUEST_EXAMPLES.PIX_KEY.pixCpf?.value ?? {});
    expect(initialView({ ...pix, details: payin.details }).details).toBeNull();
    expect(initialView({ ...pix, method: "UNSUPPORTED" }).details).toBeNull();
    expect(initialView({ ...pix, details: null }).details).toBeNull();
  });

  it("masks in reasons what looks like personal data, and leaves Riel's and the providers' plain words alone", () => {
    const view = (reason: string): PaymentView => ({ ...reported(initialView(commandOf(PAYMENT_REQUEST_EXAMPLES.PIX_KEY.pixCpf?.value ?? {})), ""), collector: null, wallets: null, reason });
    const shown = (reason: string): string | null => viewFor(view(reason), { personal: false }).reason;
    const masked = {
      "key 390.533.447-05 unknown": "key ***********-05 unknown",
      "CNPJ 11.222.333/0001-81 blocked": "CNPJ ***************-81 blocked",
      "CCI 00219300123456789013 closed": "CCI *****************013 closed",
      "DNI 12345678": "DNI *****678",
      "write to rosa.huaman@example.com": "write to ********************com",
      "phone +51 987 654 321 unknown": "phone ************321 unknown",
      "@CBAQ1EXD8 is not registered": "*******XD8 is not registered",
    };
    for (const [reason, expected] of Object.entries(masked)) expect(shown(reason), reason).toBe(expected);
    for (const reason of [
      "VENCIDO | 0200 - AVISO ENVIADO",
      "ACCOUNT_BLOCKED The specified account is blocked.",
      "Order expired",
      "COMMAND_VALIDATION: INVALID_COMMAND: amount: must be 50000000.00 COP (canonical form)",
      "order 12345678-1234-4123-8123-123456789012 expired",
      "PROCESSING since 2026-11-22T05:16:19.562Z; asked 12 times; the provider still says PROCESSING",
      "ticket RIEL000163048263",
    ]) {
      expect(shown(reason), reason).toBe(reason);
    }
  });
});
