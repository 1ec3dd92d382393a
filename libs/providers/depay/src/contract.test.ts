import { randomBytes } from "node:crypto";
import { PIX_TEST_KEYS, QR_TEST_CODES, startDepaySandbox } from "@riel/depay-sandbox";
import { runConnectorContract } from "@riel/provider-port/contract";
import type { InitiatePayment } from "@riel/schemas";
import { createDepayPort } from "./port.js";
import { depayWebhooks } from "./webhooks.js";

const envelope = (paymentId: string) => ({ eventId: `e-${paymentId}`, occurredAt: "2026-11-22T10:00:00.000Z", paymentId, correlationId: paymentId, causationId: null });
const payer = { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705", taxIdType: null };
const pix = (paymentId: string, key: string): InitiatePayment => ({
  envelope: envelope(paymentId),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount: "10.50", currency: "BRL" },
  payer,
  externalReference: "contract",
  details: { "riel.PixKeyDetails": { payeeKey: key, keyType: "PIX_CPF" } },
});
const qr = (paymentId: string, code: string, amountMode: "OPEN" | "CLOSED", currency: string): InitiatePayment => ({
  envelope: envelope(paymentId),
  method: "EMV_QR",
  payeeKey: null,
  amount: null,
  payer,
  externalReference: "contract",
  details: { "riel.EmvQrDetails": { qr: code, country: "", currency, amountMode, initiation: null, merchantName: "", merchantCity: "", warnings: [] } },
});

runConnectorContract({
  name: "Depay against its sandbox",
  async start() {
    const token = randomBytes(8).toString("hex");
    const sandbox = await startDepaySandbox({ port: 0, token, callbackDelayMs: 0 });
    return {
      port: createDepayPort({ baseUrl: sandbox.url, token: () => token }),
      unreachable: createDepayPort({ baseUrl: "http://127.0.0.1:9", token: () => token, timeoutMs: 2_000 }),
      webhooks: depayWebhooks,
      async expire(orderId) {
        const res = await fetch(`${sandbox.url}/__sandbox/orders/${orderId}/expire`, { method: "POST" });
        if (!res.ok) throw new Error(`expire: HTTP ${res.status}`);
      },
      close: () => sandbox.close(),
    };
  },
  fixtures: {
    payable: (method, paymentId) => (method === "EMV_QR" ? qr(paymentId, QR_TEST_CODES.closed, "CLOSED", "BRL") : pix(paymentId, "39053344705")),
    refused: (paymentId) => pix(paymentId, PIX_TEST_KEYS.notRegistered),
    openAmount: { command: (paymentId) => qr(paymentId, QR_TEST_CODES.open, "OPEN", "PEN"), amount: { amount: "12.30", currency: "PEN" } },
  },
});
