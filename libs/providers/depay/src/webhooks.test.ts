import { describe, expect, it } from "vitest";
import { parseDepayCallback } from "./webhooks.js";

const completed = (paymentId: string) =>
  `{"order_id":"o-1","external_reference":"${paymentId}","status":"COMPLETED","date":"2025-05-30T11:14:25.115Z","payment_date":"2025-05-30T11:14:25.115Z","merchant_name":"M","error_code":null}`;

describe("Depay callbacks", () => {
  it("maps a status callback to Riel's status, keeping Depay's for audit", () => {
    expect(parseDepayCallback(completed("p-1"), "p-1")).toMatchObject({
      kind: "OK",
      reports: [{ providerOrderId: "o-1", status: "COMPLETED", providerStatus: "COMPLETED", reason: null }],
    });
  });

  it("reads the nested-order preview with exact amounts brought to the currency's minor units", () => {
    const body = `{"payment_type":"DICT_KEY","external_reference":"p-2","collector":{"name":"DEPAY MARKET","identification_number":"20314691769","branch_office":""},"order":{"id":"o-2","status":"CREATED","local_total_amount":0.3,"local_currency":"BRL","user_total_amount":1637.3605,"user_currency":"ARS"},"version":"2.0"}`;
    const parsed = parseDepayCallback(body, "p-2");
    expect(parsed).toMatchObject({ kind: "OK", reports: [{ status: "CREATED", amount: { amount: "0.30", currency: "BRL" }, collector: { name: "DEPAY MARKET" } }] });
    // 1637.3605 ARS has more decimals than ARS has: left out rather than rounded.
    expect(parsed.kind === "OK" && parsed.reports[0]?.userAmount).toBeNull();
  });

  it("reads the flat open-amount preview (WAITING_AMOUNT) and Argentina's PROCESS_LATER", () => {
    const flat = (status: string) =>
      `{"order_id":"o-3","order_status":"${status}","local_currency":"ARS","status":"OK","external_reference":"p-3","collector":{"name":"DEPAY MARKET","identification_number":"20314691769","branch_office":""}}`;
    expect(parseDepayCallback(flat("WAITING_AMOUNT"), "p-3")).toMatchObject({ kind: "OK", reports: [{ providerOrderId: "o-3", status: "WAITING_AMOUNT", amount: null }] });
    expect(parseDepayCallback(flat("PROCESS_LATER"), "p-3")).toMatchObject({ kind: "OK", reports: [{ status: "PROCESS_LATER" }] });
  });

  it("carries a refund's amount on refund callbacks, and never takes an unknown status as success", () => {
    const refund = `{"order_id":"o-1","external_reference":"p-1","status":"PARTIALLY_REFUNDED","date":"2025-05-26T15:30:56.842Z","payment_date":"2025-05-26T15:30:56.842Z","merchant_name":"Depay","error_code":null,"amount":0.1,"currency":"BRL"}`;
    expect(parseDepayCallback(refund, "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "PARTIALLY_REFUNDED", refundAmount: { amount: "0.10", currency: "BRL" } }] });
    const odd = completed("p-1").replace('"COMPLETED"', '"SETTLED_MAYBE"');
    expect(parseDepayCallback(odd, "p-1")).toMatchObject({ kind: "OK", reports: [{ status: "UNSUPPORTED", providerStatus: "SETTLED_MAYBE" }] });
  });

  it("names the fields of an invalid body, and a reference that is not the URL's payment", () => {
    expect(parseDepayCallback(`{"order_id":"o-1","external_reference":"p-1"}`, "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "status", rule: expect.any(String) }] });
    expect(parseDepayCallback(completed("p-9"), "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "external_reference", rule: "must be the payment id of the callback URL" }] });
    expect(parseDepayCallback("not json", "p-1")).toEqual({ kind: "INVALID", errors: [{ field: "body", rule: "must be JSON" }] });
  });
});
