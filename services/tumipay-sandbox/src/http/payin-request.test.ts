import { parseJson } from "@riel/sandbox-kit";
import { describe, expect, it } from "vitest";
import { TUMIPAY_TEST_DATA } from "../test-data.js";
import { validatePayin } from "./payin-request.js";

const valid = {
  reference: "ref-1",
  amount: 1.5,
  currency: "PEN",
  country: "PE",
  payment_method: "BANK_TRANSFER",
  customer_data: { ...TUMIPAY_TEST_DATA.customer },
  ipn_url: "https://merchant.example/ipn",
  redirect_url: "https://merchant.example/done",
};

const validate = (text: string) => validatePayin(parseJson(text));
const withFields = (fields: Record<string, unknown>, customer: Record<string, unknown> = {}) =>
  validate(JSON.stringify({ ...valid, ...fields, customer_data: { ...valid.customer_data, ...customer } }));
const errorsOf = (result: ReturnType<typeof validatePayin>) => (result.ok ? [] : result.errors);

describe("validatePayin", () => {
  it("reads the amount losslessly, keeping the text as written", () => {
    const result = validate(JSON.stringify(valid).replace('"amount":1.5', '"amount":1.50'));
    expect(result.ok && result.request).toMatchObject({ amountText: "1.50", amount: "1.5", expirationMinutes: 720, description: null });
  });

  it("applies the documented defaults and keeps optional fields", () => {
    const result = withFields({ description: "Pago", expiration_time: 30 });
    expect(result.ok && result.request).toMatchObject({ description: "Pago", expirationMinutes: 30 });
  });

  it.each([
    [{ reference: undefined }, "reference", "is required"],
    [{ reference: "" }, "reference", "must not be empty"],
    [{ reference: "x".repeat(65) }, "reference", "must be at most 64 characters"],
    [{ reference: 12 }, "reference", "must be a string"],
    [{ amount: "1.50" }, "amount", "must be a number"],
    [{ amount: 0 }, "amount", "must be greater than 0"],
    [{ amount: -3 }, "amount", "must be greater than 0"],
    [{ amount: 1.505 }, "amount", "must have at most 2 decimals"],
    [{ currency: "USD" }, "currency", "must be PEN"],
    [{ country: "CO" }, "country", "must be PE"],
    [{ payment_method: "CASH" }, "payment_method", "must be one of BANK_TRANSFER, QR, PAGOEFECTIVO, ALL_METHODS, CARD"],
    [{ ipn_url: "/relative" }, "ipn_url", "must be an absolute http(s) URL"],
    [{ redirect_url: "ftp://x.example/" }, "redirect_url", "must be an absolute http(s) URL"],
    [{ description: "d".repeat(201) }, "description", "must be at most 200 characters"],
    [{ expiration_time: 0 }, "expiration_time", "must be an integer from 1 to 10080 (minutes)"],
    [{ expiration_time: 10081 }, "expiration_time", "must be an integer from 1 to 10080 (minutes)"],
    [{ expiration_time: 1.5 }, "expiration_time", "must be an integer from 1 to 10080 (minutes)"],
    [{ expiration_time: "30" }, "expiration_time", "must be an integer from 1 to 10080 (minutes)"],
  ])("refuses %j", (fields, field, message) => {
    expect(errorsOf(withFields(fields))).toEqual([{ field, message }]);
  });

  it.each([
    [{ legal_doc: "1234567" }, "customer_data.legal_doc", "must be 8 digits for DNI"],
    [{ legal_doc_type: "RUC", legal_doc: "20131312954" }, "customer_data.legal_doc", "must end with a valid RUC check digit"],
    [{ legal_doc_type: "CUIT" }, "customer_data.legal_doc_type", "must be one of DNI, RUC, CE, PPN"],
    [{ phone_code: "+51" }, "customer_data.phone_code", "must be 1 to 3 digits"],
    [{ phone_number: "98765" }, "customer_data.phone_number", "must be 6 to 15 digits"],
    [{ email: "not-an-email" }, "customer_data.email", "must be an email address"],
    [{ full_name: "" }, "customer_data.full_name", "must not be empty"],
  ])("refuses customer_data %j", (customer, field, message) => {
    expect(errorsOf(withFields({}, customer))).toEqual([{ field, message }]);
  });

  it("refuses customer_data that is not an object", () => {
    expect(errorsOf(validate(JSON.stringify({ ...valid, customer_data: "john" })))).toEqual([{ field: "customer_data", message: "must be an object" }]);
  });

  it("accepts every documented method and document type", () => {
    for (const method of ["BANK_TRANSFER", "QR", "PAGOEFECTIVO", "ALL_METHODS", "CARD"]) expect(withFields({ payment_method: method }).ok).toBe(true);
    for (const [type, doc] of Object.entries(TUMIPAY_TEST_DATA.legalDocs)) expect(withFields({}, { legal_doc_type: type, legal_doc: doc }).ok, type).toBe(true);
  });

  it("lists every broken rule, in field order", () => {
    expect(errorsOf(validate(JSON.stringify({ amount: 1 })))).toEqual([
      { field: "reference", message: "is required" },
      { field: "currency", message: "is required" },
      { field: "country", message: "is required" },
      { field: "payment_method", message: "is required" },
      { field: "ipn_url", message: "is required" },
      { field: "redirect_url", message: "is required" },
      { field: "customer_data", message: "is required" },
    ]);
  });

  it("refuses a body that is not a JSON object", () => {
    for (const text of ["", "[]", "{", '"x"']) expect(errorsOf(validate(text))).toEqual([{ field: "body", message: "must be a JSON object" }]);
  });
});
