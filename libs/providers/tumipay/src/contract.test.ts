import { randomBytes } from "node:crypto";
import { startTumipaySandbox, TUMIPAY_TEST_DATA } from "@riel/tumipay-sandbox";
import { runConnectorContract } from "@riel/provider-port/contract";
import type { PayerOutcome } from "@riel/provider-port/contract";
import type { InitiatePayment } from "@riel/schemas";
import { createTumipayPort } from "./port.js";
import { tumipayWebhooks } from "./webhooks.js";

const envelope = (paymentId: string) => ({ eventId: `e-${paymentId}`, occurredAt: "2026-11-22T10:00:00.000Z", paymentId, correlationId: paymentId, causationId: null });

/**
 * A pay-in whose payer waits to be played by `settle`. Each payment has its own email, since
 * TumiPay takes one active transaction per email and amount.
 */
const payin = (paymentId: string, overrides: { channel?: string; documentNumber?: string } = {}): InitiatePayment => ({
  envelope: envelope(paymentId),
  method: "PERU_PAYIN",
  payeeKey: null,
  amount: { amount: "150.00", currency: "PEN" },
  payer: { fullName: "John Doe", currency: "PEN", accountNumber: "", taxId: "12345678", taxIdType: "DNI" },
  externalReference: "contract",
  details: {
    "riel.PeruPayinDetails": {
      channel: overrides.channel ?? "QR",
      customer: {
        documentType: "DNI",
        documentNumber: overrides.documentNumber ?? TUMIPAY_TEST_DATA.legalDocs.DNI,
        phoneCode: "51",
        phoneNumber: "987654321",
        email: `payer-${paymentId.slice(0, 8)}@example.pe`,
        fullName: "John Doe",
      },
      description: "Contract pay-in",
      expirationMinutes: 30,
      redirectUrl: "https://shop.example.pe/payment/done",
    },
  },
});

const ADMIN: Readonly<Record<PayerOutcome, string>> = { PAID: "approve", REJECTED: "reject", EXPIRED: "expire" };

runConnectorContract({
  name: "TumiPay against its sandbox",
  async start() {
    const tokenTop = randomBytes(8).toString("hex");
    const basic = Buffer.from(`riel:${randomBytes(8).toString("hex")}`).toString("base64");
    const sandbox = await startTumipaySandbox({ port: 0, tokenTop, basic, callbackDelayMs: 0 });
    return {
      port: createTumipayPort({ baseUrl: sandbox.url, tokenTop: () => tokenTop, basic: () => basic }),
      unreachable: createTumipayPort({ baseUrl: "http://127.0.0.1:9", tokenTop: () => tokenTop, basic: () => basic, timeoutMs: 2_000 }),
      webhooks: tumipayWebhooks,
      async settle(ticket, outcome) {
        const res = await fetch(`${sandbox.url}/__sandbox/transactions/${encodeURIComponent(ticket)}/${ADMIN[outcome]}`, { method: "POST" });
        if (!res.ok) throw new Error(`${ADMIN[outcome]}: HTTP ${res.status} ${await res.text()}`);
      },
      close: () => sandbox.close(),
    };
  },
  fixtures: {
    // PERU_PAYIN is TumiPay's one method; the direct QR flow answers both a link and a QR image.
    payable: (_method, paymentId) => payin(paymentId),
    // A 7-digit DNI: TumiPay's own field rules refuse it (400), past Riel's port.
    refused: (paymentId) => payin(paymentId, { documentNumber: "1234567" }),
  },
});
