import { describe, expect, it } from "vitest";
import { parseJsonKeepingNumbers, stringifyWithDecimals } from "@riel/provider-port";
import type { InitiatePayment } from "@riel/schemas";
import { exceedsLimit, interpretLookup, interpretPayin, mapStatus, moneyOf, payinRequest } from "./transformers.js";

const command = (overrides: { amount?: string; channel?: string; documentType?: string; description?: string | null } = {}): InitiatePayment => ({
  envelope: { eventId: "e-1", occurredAt: "2026-11-22T10:00:00.000Z", paymentId: "0b7c1f9e-pay-1", correlationId: "c", causationId: null },
  method: "PERU_PAYIN",
  payeeKey: null,
  amount: { amount: overrides.amount ?? "150.00", currency: "PEN" },
  payer: { fullName: "John Doe", currency: "PEN", accountNumber: "", taxId: "12345678", taxIdType: "DNI" },
  externalReference: "order-1",
  details: {
    "riel.PeruPayinDetails": {
      channel: overrides.channel ?? "ALL_METHODS",
      customer: { documentType: overrides.documentType ?? "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "johndoe@email.com", fullName: "John Doe" },
      description: overrides.description === undefined ? "Test PayIn" : overrides.description,
      expirationMinutes: 720,
      redirectUrl: "https://your-domain.com/payment/success",
    },
  },
});

/** An answer as the client hands it over: the body parsed with numbers kept as text. */
const answer = (status: number, text: string) => ({ status, body: parseJsonKeepingNumbers(text) });

/** The document's response example: it echoes amount 5000 for a request of 150 (gap 10). */
const documentAnswer = `{"code":"01","status":"SUCCESS","message":"Operacion exitosa","data":{"ticket":"8BNsCFva1NKPqy2","date":"2025-10-15 17:58:36","payment_url":"https://link.staging.topup.com.co/payments/main?s=8BNsCFva1NKPqy2","transaction":{"reference":"13cNPNGbX7meiMppXzVz7g781ysektqq5X","amount":5000,"currency":"PEN","payment_method":"ALL_METHODS","redirect_url":"https://your-domain.com/payment/success","ipn_url":"https://your-domain.com/webhook","description":"Test PayIn"}}}`;
const qrAnswer = (amount: string) =>
  `{"code":"01","status":"SUCCESS","message":"Operacion exitosa","data":{"ticket":"3f7a9b2c","date":"2026-05-11 14:30:00","payment_url":"https://link/s=3f7a9b2c","qr_code_base_64":"iVBORw0KGgo=","transaction":{"reference":"0b7c1f9e-pay-1","amount":${amount},"currency":"PEN","payment_method":"QR"}}}`;

const now = new Date("2026-11-22T10:00:00.000Z");

describe("TumiPay pay-in request", () => {
  it("sends Riel's payment id as the reference and the amount as an exact JSON number", () => {
    const body = payinRequest(command({ amount: "1.50" }), "https://riel.example.com/webhooks/tumipay/p/t");
    expect(body).not.toBeNull();
    const wire = stringifyWithDecimals(body);
    expect(wire).toContain('"amount":1.50,');
    expect(JSON.parse(wire)).toEqual({
      reference: "0b7c1f9e-pay-1",
      amount: 1.5,
      currency: "PEN",
      country: "PE",
      payment_method: "ALL_METHODS",
      description: "Test PayIn",
      customer_data: { legal_doc: "12345678", legal_doc_type: "DNI", phone_code: "51", phone_number: "987654321", email: "johndoe@email.com", full_name: "John Doe" },
      expiration_time: 720,
      ipn_url: "https://riel.example.com/webhooks/tumipay/p/t",
      redirect_url: "https://your-domain.com/payment/success",
    });
  });

  it("is the same bytes every time for the same command, so a retry repeats the first create", () => {
    const url = "https://riel.example.com/cb";
    expect(stringifyWithDecimals(payinRequest(command(), url))).toBe(stringifyWithDecimals(payinRequest(command(), url)));
  });

  it("names a passport PPN, leaves out a missing description, and serves only Peru pay-ins", () => {
    const passport = payinRequest(command({ documentType: "PASSPORT", description: null }), "u");
    expect(passport?.customer_data.legal_doc_type).toBe("PPN");
    expect(passport && "description" in passport).toBe(false);
    expect(payinRequest(command({ documentType: "PPN" }), "u")?.customer_data.legal_doc_type).toBe("PPN");
    expect(payinRequest(command({ documentType: "CUIT" }), "u")).toBeNull();
    expect(payinRequest({ ...command(), details: { "riel.PixKeyDetails": { payeeKey: "k", keyType: "PIX_EVP" } } }, "u")).toBeNull();
  });

  it("judges the QR limit in exact minor units", () => {
    expect(exceedsLimit({ amount: "500.00", currency: "PEN" }, "500.00")).toBe(false);
    expect(exceedsLimit({ amount: "500.01", currency: "PEN" }, "500.00")).toBe(true);
    expect(exceedsLimit({ amount: "500.01", currency: "PEN" }, "1000")).toBe(false);
  });
});

describe("TumiPay pay-in answer", () => {
  it("tells a created transaction as AWAITING_PAYMENT with the payer's link, ticket and expiry", () => {
    expect(interpretPayin(answer(200, qrAnswer("150.00")), { command: command({ channel: "QR" }), now })).toEqual({
      kind: "OK",
      reports: [
        {
          providerOrderId: "3f7a9b2c",
          status: "AWAITING_PAYMENT",
          providerStatus: "CREATED",
          amount: { amount: "150.00", currency: "PEN" },
          userAmount: null,
          refundAmount: null,
          collector: null,
          reason: null,
          refundId: null,
          wallets: null,
          payerInstructions: { paymentUrl: "https://link/s=3f7a9b2c", qrPngBase64: "iVBORw0KGgo=", ticket: "3f7a9b2c", expiresAt: "2026-11-22T22:00:00.000Z" },
          fact: ["created", "3f7a9b2c"],
        },
      ],
    });
  });

  it("takes an echo of the same amount written as a float (150, 150.0) as no mismatch", () => {
    for (const echo of ["150", "150.0", "150.00"]) {
      const result = interpretPayin(answer(200, qrAnswer(echo)), { command: command(), now });
      expect(result, echo).toMatchObject({ kind: "OK", reports: [{ reason: null }] });
    }
  });

  it("keeps Riel's amount when the answer echoes another one (the document's 5000 for 150), and says so", () => {
    const result = interpretPayin(answer(200, documentAnswer), { command: command(), now });
    expect(result).toMatchObject({
      kind: "OK",
      reports: [
        {
          providerOrderId: "8BNsCFva1NKPqy2",
          amount: { amount: "150.00", currency: "PEN" },
          reason: "AMOUNT_ECHO_MISMATCH: TumiPay's answer echoed amount 5000 for 150.00 PEN; Riel keeps 150.00 PEN, the amount it sent (provider docs gap 10)",
          payerInstructions: { qrPngBase64: null, paymentUrl: "https://link.staging.topup.com.co/payments/main?s=8BNsCFva1NKPqy2" },
        },
      ],
    });
  });

  it("never takes HTTP 200 with code 00 as success: the QR failed, retry", () => {
    const failed = answer(200, `{"code":"00","status":"ERROR","message":"Error al generar el QR"}`);
    expect(interpretPayin(failed, { command: command(), now })).toEqual({ kind: "RETRY", reason: "code 00: Error al generar el QR" });
    expect(interpretPayin({ status: 200, body: null }, { command: command(), now })).toMatchObject({ kind: "RETRY" });
  });

  it("refuses, by TumiPay's own error names, what no retry will change", () => {
    const refusal = (status: number, text: string) => interpretPayin(answer(status, text), { command: command(), now });
    expect(refusal(422, `{"code":"00","status":"ERROR","error":"QR_AMOUNT_LIMIT_EXCEEDED","message":"El monto supera el límite"}`)).toMatchObject({
      kind: "REFUSED",
      code: "QR_AMOUNT_LIMIT_EXCEEDED",
      retryable: false,
    });
    expect(refusal(400, `{"code":"00","status":"ERROR","error":"TRANSACTION_IN_PROGRESS","message":"Ya existe una transacción activa para ese email/monto"}`)).toEqual({
      kind: "REFUSED",
      code: "TRANSACTION_IN_PROGRESS",
      reason:
        "TumiPay already has an active transaction for this payer's email and this amount (another payment); it takes no second one until that one ends: Ya existe una transacción activa para ese email/monto",
      retryable: false,
    });
    expect(
      refusal(400, `{"code":"00","status":"ERROR","message":"customer_data.legal_doc: must be 8 digits for DNI","errors":[{"field":"customer_data.legal_doc","message":"must be 8 digits for DNI"},{"field":"amount","message":"must be a number"}]}`),
    ).toEqual({ kind: "REFUSED", code: "PROVIDER_BAD_REQUEST", reason: "customer_data.legal_doc: must be 8 digits for DNI; amount: must be a number", retryable: false });
    expect(refusal(401, `{"code":"00","status":"ERROR","message":"Unauthorized"}`)).toMatchObject({ kind: "REFUSED", code: "PROVIDER_AUTH", retryable: false });
    // Our reference is the payment id: a duplicate is this payment's own transaction, never a reason to reject it.
    expect(refusal(400, `{"code":"00","status":"ERROR","error":"DUPLICATE_REFERENCE","message":"La referencia ya fue usada"}`)).toMatchObject({ kind: "CONFLICT" });
  });
});

describe("TumiPay transaction lookup", () => {
  const lookup = (status: string, amount = "150.5") =>
    answer(
      200,
      `{"code":"01","status":"SUCCESS","data":{"ticket":"t-1","reference":"p-1","amount":${amount},"currency":"PEN","type_transaction":"Recaudo","customer":{"email":"johndoe@email.com","full_name":"John Doe","legal_doc":12345678,"phone_code":"51","phone_number":987654321,"legal_doc_type":"DNI"},"status":"${status}","response_message":"Transacción en proceso","date":"2026-05-11 14:30:00","cus":"","metadata":[]}}`,
    );

  it("reads the lookup's own vocabulary, and never moves a waiting payer to PROCESSING", () => {
    const statuses: Record<string, string> = {
      PENDING: "AWAITING_PAYMENT",
      CREATED: "AWAITING_PAYMENT",
      COMPLETED: "COMPLETED",
      APPROVED: "COMPLETED",
      REJECTED: "REJECTED",
      FAILED: "REJECTED",
      DECLINED: "DECLINED",
      EXPIRED: "EXPIRED",
      SETTLED: "UNSUPPORTED",
    };
    for (const [status, riel] of Object.entries(statuses)) {
      expect(interpretLookup(lookup(status)), status).toMatchObject({
        kind: "OK",
        reports: [{ providerOrderId: "t-1", status: riel, providerStatus: status, amount: { amount: "150.50", currency: "PEN" }, fact: ["lookup", "t-1", status] }],
      });
    }
    expect(mapStatus("ipn", "PENDING")).toBe("PROCESSING");
    expect(mapStatus("lookup", "PENDING")).toBe("AWAITING_PAYMENT");
  });

  it("answers ORDER_NOT_FOUND for an unknown ticket", () => {
    expect(interpretLookup(answer(404, `{"code":"00","status":"ERROR","message":"Transaction not found"}`))).toEqual({
      kind: "REFUSED",
      code: "ORDER_NOT_FOUND",
      reason: "Transaction not found",
      retryable: false,
    });
  });

  it("reads amounts without a binary float", () => {
    expect(moneyOf("0.30", "PEN")).toEqual({ amount: "0.30", currency: "PEN" });
    expect(moneyOf("20000", "PEN")).toEqual({ amount: "20000.00", currency: "PEN" });
    expect(moneyOf("-1", "PEN")).toBeNull();
    expect(moneyOf("1.00", "XXQ")).toBeNull();
  });

  it("reads an amount of 60 KB of decimals: trailing zeros dropped, a digit beyond the cents left out", () => {
    expect(moneyOf(`1.5${"0".repeat(60_000)}`, "PEN")).toEqual({ amount: "1.50", currency: "PEN" });
    // Zeros up to a last 1: not a run at the end, which the trailing-zero pattern once retried from every zero.
    expect(moneyOf(`1.${"0".repeat(60_000)}1`, "PEN")).toBeNull();
  });
});
