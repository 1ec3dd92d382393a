import { describe, expect, it } from "vitest";
import { parseJsonKeepingNumbers } from "@riel/provider-port";
import type { DepayResponse } from "./client.js";
import { initiateCalls, interpretRefund, interpretStatus, paths, toPayRequest } from "./transformers.js";
import { parseDepayCallback } from "./webhooks.js";
import type { InitiatePayment } from "@riel/schemas";

const answer = (status: number, text: string): DepayResponse => ({ status, body: parseJsonKeepingNumbers(text) });

// GET /v2/payments/{order_id}/status, as the Peru document prints it (both date formats, "7.0000").
const STATUS_EXAMPLE = `{
"id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce",
"status": "COMPLETED",
"creation_date": "2025-03-21T14:15:06.657Z",
"update_date": "2025-03-21T14:20:00.000Z",
"local_amount": "7.0000",
"local_currency": "BRL",
"user_amount": "1637.3605",
"user_currency": "ARS",
"external_reference": "123123123",
"merchant_identification_number": "12345678987",
"merchant_name": "John Doe",
"statuses":[
{
"status": "CREATED",
"created_at": "2025-03-21 20:01:30.948423"
},
{
"status": "WAITING_AMOUNT",
"created_at": "2025-03-21 20:01:50.567650"
},
{
"status": "COMPLETED",
"created_at": "2025-03-21 20:02:00.343641"
}
]
}`;
const NOT_FOUND_EXAMPLE = `{
"eventId": "2105",
"details": "The receipt does not exist",
"correlationId": "0bf65191-a10b-4057-aeb8-a4bbb2facc29",
"errors": [
{
"code": "2105",
"title": "Receipt not found.",
"detail": "No receipt found for the id: X"
}
]
}`;

const envelope = { eventId: "e", occurredAt: "2026-11-22T00:00:00.000Z", paymentId: "p-1", correlationId: "c", causationId: null };
const command = (details: InitiatePayment["details"], taxIdType: string | null = null, currency = "PEN"): InitiatePayment => ({
  envelope,
  method: "PERU_KEY",
  payeeKey: null,
  amount: { amount: "25.00", currency },
  payer: { fullName: "Ana Quispe", currency, accountNumber: "1", taxId: "12345678", taxIdType },
  externalReference: "r",
  details,
});

describe("Depay transformers", () => {
  it("reads the documented status answer: four-decimal amounts to the currency's minor units, both date formats", () => {
    expect(interpretStatus(answer(200, STATUS_EXAMPLE))).toMatchObject({
      kind: "OK",
      reports: [{ providerOrderId: "cd17fff7-ed31-47b7-948f-9fdec0cda9ce", status: "COMPLETED", amount: { amount: "7.00", currency: "BRL" }, userAmount: null }],
    });
  });

  it("answers the documented not-found body as a refusal naming the order, not a fault", () => {
    expect(interpretStatus(answer(404, NOT_FOUND_EXAMPLE))).toMatchObject({ kind: "REFUSED", code: "ORDER_NOT_FOUND", retryable: false });
  });

  it("previews a Peru key with the payer's tax id type, and a Bre-B key in Colombia's directory", () => {
    const peru = initiateCalls(command({ "riel.PeruKeyDetails": { payeeKey: "+51987654321", keyType: "PE_PHONE" } }, "DNI"), "https://cb");
    expect(peru).toEqual([expect.objectContaining({ stage: "PREVIEW", path: paths.previewPeru, body: expect.objectContaining({ dict_key: "+51987654321", user: expect.objectContaining({ tax_id_type: "DNI" }) }) })]);
    // A Peru key without a Peruvian tax id type is not sent at all.
    expect(initiateCalls(command({ "riel.PeruKeyDetails": { payeeKey: "+51987654321", keyType: "PE_PHONE" } }, "CUIT"), "https://cb")).toBeNull();
    const breb = initiateCalls(command({ "riel.BrebKeyDetails": { payeeKey: "@CBAQ1EXD8", keyType: "BREB_RANDOM" } }, null, "COP"), "https://cb");
    expect(breb?.map((c) => [c.path, (c.body as { local_country?: string }).local_country])).toEqual([
      [paths.validateKey, "CO"],
      [paths.previewKey, "CO"],
    ]);
  });

  it("sends wallet_id only when a wallet was chosen", () => {
    expect(toPayRequest("o", "ACCEPT", "https://cb", "642b335a-6a76-4978-8f29-ac8c80372f23")).toMatchObject({ wallet_id: "642b335a-6a76-4978-8f29-ac8c80372f23" });
    expect(toPayRequest("o", "REJECT", "https://cb", null)).not.toHaveProperty("wallet_id");
  });

  it("reports a refund under way by its id, and a refund refused by callback by its amount", () => {
    expect(interpretRefund(answer(200, `{"status":"PROCESSING","message":"Refund in process"}`), "o-1", { amount: "4.00", currency: "BRL" }, "r-1")).toMatchObject({
      kind: "OK",
      reports: [{ status: "PROCESSING", refundId: "r-1", refundAmount: { amount: "4.00", currency: "BRL" } }],
    });
    const refused = `{"order_id":"o-1","external_reference":"p-1","status":"REJECTED","date":"2025-05-26T15:30:56.842Z","payment_date":"2025-05-26T15:30:56.842Z","merchant_name":"Depay","error_code":"REFUND_REJECTED","amount":1.13,"currency":"BRL"}`;
    expect(parseDepayCallback(refused, "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "REJECTED", refundAmount: { amount: "1.13", currency: "BRL" }, reason: "REFUND_REJECTED" }] });
    // A payment's REJECTED carries no amount: it is not a refund's.
    const payment = refused.replace(',"amount":1.13,"currency":"BRL"', "");
    expect(parseDepayCallback(payment, "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "REJECTED", refundAmount: null }] });
  });

  it("reads a callback's amount of 60 KB of decimals: trailing zeros dropped, a digit beyond the cents left out", () => {
    const refused = (amount: string) =>
      `{"order_id":"o-1","external_reference":"p-1","status":"REJECTED","error_code":"REFUND_REJECTED","amount":"${amount}","currency":"BRL"}`;
    expect(parseDepayCallback(refused(`1.13${"0".repeat(60_000)}`), "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "REJECTED", refundAmount: { amount: "1.13", currency: "BRL" } }] });
    // Zeros up to a last 1: not a run at the end, which the trailing-zero pattern once retried from every zero.
    expect(parseDepayCallback(refused(`1.${"0".repeat(60_000)}1`), "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "REJECTED", refundAmount: null }] });
  });
});
