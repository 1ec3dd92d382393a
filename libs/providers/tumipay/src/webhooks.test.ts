import { describe, expect, it } from "vitest";
import { parseTumipayIpn, tumipayWebhooks } from "./webhooks.js";

/**
 * The IPN as the supplement (tumipay-webhooks-and-lookup.md) gives it, field for field, with
 * the site's example values (COP, RECAUDO, 20000); literal bytes, so numbers are read as sent.
 */
const supplementIpn = (reference: string, status = "APPROVED") =>
  `{"top_status":"${status}","top_ticket":"8BNsCFva1NKPqy2","top_reference":"${reference}","top_amount":20000,"top_currency":"COP","top_payment_method":"RECAUDO","top_bank_name":"BANCOLOMBIA","top_response_message":"Transacción exitosa","top_user":{"legal_doc_type":"CC","legal_doc":"1020304050","phone_code":"57","phone_number":"3001234567","email":"johndoe@email.com","full_name":"John Doe"},"top_user_email":"johndoe@email.com","top_user_phone":"3001234567","top_extra_params1":""}`;

/** A Peru pay-in's IPN: PEN, a float amount as TumiPay writes them (gap 10), a card payment's top_card. */
const peruIpn = (reference: string, status: string, amount = "1.50") =>
  `{"top_status":"${status}","top_ticket":"3f7a9b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c","top_reference":"${reference}","top_amount":${amount},"top_currency":"PEN","top_payment_method":"CARD","top_bank_name":"INTERBANK","top_response_message":"Transacción rechazada por la entidad financiera","top_user":{"legal_doc_type":"DNI","legal_doc":12345678,"phone_code":"51","phone_number":987654321,"email":"johndoe@email.com","full_name":"John Doe"},"top_card":{"bank":"INTERBANK","bin":"411111","country":"PE","lastFourDigits":"1111","type":"credit","brand":"VISA"},"top_user_email":"johndoe@email.com","top_user_phone":"987654321","top_extra_params1":""}`;

describe("TumiPay IPNs", () => {
  it("reads the supplement's IPN: ticket as the order, status in Riel's words, TumiPay's kept for audit", () => {
    expect(parseTumipayIpn(supplementIpn("p-1"), "p-1")).toEqual({
      kind: "OK",
      reports: [
        {
          providerOrderId: "8BNsCFva1NKPqy2",
          status: "COMPLETED",
          providerStatus: "APPROVED",
          amount: { amount: "20000.00", currency: "COP" },
          userAmount: null,
          refundAmount: null,
          collector: null,
          reason: "Transacción exitosa",
          refundId: null,
          wallets: null,
          payerInstructions: null,
          fact: ["ipn", "8BNsCFva1NKPqy2", "APPROVED"],
        },
      ],
    });
  });

  it("maps every status of the IPN once, and never takes an unknown one as success", () => {
    const statuses: Record<string, string> = {
      CREATED: "AWAITING_PAYMENT",
      PENDING: "PROCESSING",
      APPROVED: "COMPLETED",
      REJECTED: "REJECTED",
      DECLINED: "DECLINED",
      EXPIRED: "EXPIRED",
      PAID_MAYBE: "UNSUPPORTED",
      approved: "UNSUPPORTED",
      constructor: "UNSUPPORTED",
    };
    for (const [top, riel] of Object.entries(statuses)) {
      expect(parseTumipayIpn(peruIpn("p-2", top), "p-2"), top).toMatchObject({ kind: "OK", reports: [{ status: riel, providerStatus: top }] });
    }
  });

  it("reads float amounts exactly, in PEN's minor units, and leaves out one that would lose a digit", () => {
    const amountOf = (text: string) => {
      const parsed = parseTumipayIpn(peruIpn("p-3", "REJECTED", text), "p-3");
      return parsed.kind === "OK" ? parsed.reports[0]?.amount : parsed;
    };
    expect(amountOf("1.50")).toEqual({ amount: "1.50", currency: "PEN" });
    expect(amountOf("1.5")).toEqual({ amount: "1.50", currency: "PEN" });
    expect(amountOf("150")).toEqual({ amount: "150.00", currency: "PEN" });
    expect(amountOf("0.1")).toEqual({ amount: "0.10", currency: "PEN" });
    expect(amountOf("123456789012345.67")).toEqual({ amount: "123456789012345.67", currency: "PEN" });
    expect(amountOf("1.505")).toBeNull();
    expect(amountOf("1.5e2")).toBeNull();
  });

  it("tells the same IPN twice as one fact, and each status as its own", () => {
    const fact = (status: string) => {
      const parsed = parseTumipayIpn(peruIpn("p-4", status), "p-4");
      return parsed.kind === "OK" ? parsed.reports[0]?.fact : null;
    };
    expect(fact("PENDING")).toEqual(fact("PENDING"));
    expect(fact("PENDING")).not.toEqual(fact("APPROVED"));
  });

  it("refuses an IPN that names another payment than its URL, or is not an IPN", () => {
    expect(parseTumipayIpn(supplementIpn("p-9"), "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "top_reference", rule: "must be the payment id of the callback URL" }] });
    expect(parseTumipayIpn("not json", "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "body", rule: "must be JSON" }] });
    expect(parseTumipayIpn("[1]", "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "body", rule: "must be a JSON object" }] });
    expect(parseTumipayIpn(`{"top_reference":"p-1","top_status":"APPROVED"}`, "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "top_ticket", rule: expect.any(String) }] });
  });

  it("is TumiPay's webhook module, acknowledged with a 200", () => {
    expect(tumipayWebhooks.provider).toBe("tumipay");
    expect(tumipayWebhooks.acknowledgement.status).toBe(200);
  });
});
