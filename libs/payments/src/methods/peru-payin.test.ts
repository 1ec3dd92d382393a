import { describe, expect, it } from "vitest";
import type { InitiatePayment } from "@riel/schemas";
import { recheckCommand } from "../registry.js";
import { peruPayin } from "./peru-payin.js";

const customer = { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "johndoe@email.com", fullName: "John Doe" };
const request = (extra: Record<string, unknown> = {}) => ({
  method: "PERU_PAYIN",
  channel: "ALL_METHODS",
  amount: { amount: "150", currency: "PEN" },
  customer,
  redirectUrl: "https://shop.example.pe/payment/done",
  externalReference: "order-1",
  ...extra,
});
const rules = (body: unknown): string[] => {
  const parsed = peruPayin.parse(body);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.field}: ${e.rule}`);
};
const envelope = { eventId: "e", occurredAt: "2026-11-22T00:00:00.000Z", paymentId: "p", correlationId: "c", causationId: null };

describe("Peru pay-in requests", () => {
  it("takes a pay-in and carries it in canonical form, served by TumiPay", () => {
    const parsed = peruPayin.parse(request({ customer: { ...customer, documentNumber: " 1234-5678 ", fullName: " John Doe " } }));
    expect(parsed).toEqual({
      ok: true,
      value: {
        method: "PERU_PAYIN",
        amount: { amount: "150.00", currency: "PEN" },
        currency: "PEN",
        payer: { fullName: "John Doe", currency: "PEN", accountNumber: "", taxId: "12345678", taxIdType: "DNI" },
        externalReference: "order-1",
        details: {
          "riel.PeruPayinDetails": {
            channel: "ALL_METHODS",
            customer: { ...customer, documentNumber: "12345678" },
            description: null,
            expirationMinutes: 720,
            redirectUrl: "https://shop.example.pe/payment/done",
          },
        },
      },
    });
    expect(peruPayin.provider).toBe("tumipay");
    expect(peruPayin.currencyOf({ "riel.PeruPayinDetails": { channel: "QR", customer, description: null, expirationMinutes: 1, redirectUrl: "" } })).toBe("PEN");
  });

  it("checks the document against its type; a passport (PPN) is the rails' PASSPORT", () => {
    const passport = peruPayin.parse(request({ customer: { ...customer, documentType: "PPN", documentNumber: "ab-123456" } }));
    expect(passport).toMatchObject({
      ok: true,
      value: { payer: { taxId: "AB123456", taxIdType: "PASSPORT" }, details: { "riel.PeruPayinDetails": { customer: { documentType: "PPN", documentNumber: "AB123456" } } } },
    });
    expect(rules(request({ customer: { ...customer, documentNumber: "1234567" } }))).toEqual(["customer.documentNumber: DNI_FORMAT: a DNI has 8 digits"]);
    expect(rules(request({ customer: { ...customer, documentType: "RUC", documentNumber: "20131312954" } }))).toEqual([
      "customer.documentNumber: RUC_CHECK_DIGIT: the RUC check digit should be 5",
    ]);
    expect(rules(request({ customer: { ...customer, documentType: "CUIT" } }))).toEqual(["customer.documentType: must be one of: DNI, RUC, CE, PPN (PPN: passport)"]);
  });

  it("takes soles only, with at most 2 decimals, above zero", () => {
    expect(rules(request({ amount: { amount: "10.00", currency: "USD" } }))).toEqual(["amount.currency: must be PEN: Peru pay-ins are in soles"]);
    expect(rules(request({ amount: { amount: "10.505", currency: "PEN" } }))).toEqual([expect.stringMatching(/^amount\.amount: /)]);
    expect(rules(request({ amount: { amount: "0.00", currency: "PEN" } }))).toEqual(["amount.amount: must be greater than zero"]);
    // 15 digits in all, the most a provider's binary float keeps exactly.
    expect(rules(request({ amount: { amount: "9999999999999.99", currency: "PEN" } }))).toEqual([]);
    expect(rules(request({ amount: { amount: "10000000000000.00", currency: "PEN" } }))).toEqual([expect.stringMatching(/^amount\.amount: must have at most 15 digits/)]);
    expect(rules(request({ amount: { amount: 10.5, currency: "PEN" } }))).toEqual([expect.stringMatching(/^amount\.amount: must be a decimal string/)]);
  });

  it("refuses a QR pay-in above S/ 500.00, by name, and takes the same amount on other channels", () => {
    expect(rules(request({ channel: "QR", amount: { amount: "500.01", currency: "PEN" } }))).toEqual([
      "amount.amount: QR_AMOUNT_LIMIT_EXCEEDED: a QR pay-in takes at most S/ 500.00; use another channel",
    ]);
    expect(rules(request({ channel: "QR", amount: { amount: "500", currency: "PEN" } }))).toEqual([]);
    expect(rules(request({ channel: "BANK_TRANSFER", amount: { amount: "2500.00", currency: "PEN" } }))).toEqual([]);
    expect(rules(request({ channel: "CASH" }))).toEqual(["channel: must be one of: BANK_TRANSFER, QR, PAGOEFECTIVO, ALL_METHODS, CARD"]);
  });

  it("checks the customer's phone and email", () => {
    expect(rules(request({ customer: { ...customer, phoneCode: "+51", phoneNumber: "98765", email: "john@" } }))).toEqual([
      "customer.phoneCode: must be 1 to 3 digits: the country calling code without +, e.g. 51",
      "customer.phoneNumber: must be 6 to 15 digits, without the country code",
      "customer.email: must be an email address",
    ]);
    expect(rules(request({ customer: { ...customer, fullName: undefined } }))).toEqual(["customer.fullName: must be a string"]);
  });

  it("gives the payer 720 minutes unless told, and refuses 0 minutes with a reason", () => {
    expect(peruPayin.parse(request({ expirationMinutes: 30 }))).toMatchObject({ ok: true, value: { details: { "riel.PeruPayinDetails": { expirationMinutes: 30 } } } });
    expect(rules(request({ expirationMinutes: 0 }))).toEqual([expect.stringMatching(/^expirationMinutes: must be at least 1: 0 minutes would expire the payment before the payer could pay/)]);
    expect(rules(request({ expirationMinutes: 10_081 }))).toEqual([expect.stringMatching(/^expirationMinutes: must be a whole number of minutes from 1 to 10080/)]);
    expect(rules(request({ expirationMinutes: 1.5 }))).toEqual([expect.stringMatching(/^expirationMinutes: must be a whole number/)]);
    expect(rules(request({ expirationMinutes: "30" }))).toEqual([expect.stringMatching(/^expirationMinutes: must be a whole number/)]);
  });

  it("sends the payer back to an https address only (http for localhost)", () => {
    expect(rules(request({ redirectUrl: "http://localhost:3000/done" }))).toEqual([]);
    for (const redirectUrl of ["http://shop.example.pe/done", "/payment/done", "javascript:alert(1)", "https://"]) {
      expect(rules(request({ redirectUrl })), redirectUrl).toEqual(["redirectUrl: must be an absolute https URL (http only for localhost), at most 2048 characters"]);
    }
  });

  it("keeps a description of at most 200 characters, and takes no Depay payer or unknown field", () => {
    expect(peruPayin.parse(request({ description: "Order 1" }))).toMatchObject({ ok: true, value: { details: { "riel.PeruPayinDetails": { description: "Order 1" } } } });
    expect(rules(request({ description: "x".repeat(201) }))).toEqual(["description: must be at most 200 characters"]);
    expect(rules(request({ payer: { fullName: "x" } }))).toEqual([expect.stringMatching(/^body: /)]);
  });

  it("meets the same rules as a command from Kafka, in canonical form only", () => {
    const parsed = peruPayin.parse(request({ channel: "QR", amount: { amount: "50", currency: "PEN" }, description: "Pago QR" }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const command: InitiatePayment = { envelope, method: "PERU_PAYIN", payeeKey: null, amount: parsed.value.amount, payer: parsed.value.payer, externalReference: "order-1", details: parsed.value.details };
    expect(recheckCommand(command)).toMatchObject({ ok: true });
    const details = parsed.value.details;
    if (!("riel.PeruPayinDetails" in details)) throw new Error("not a pay-in");
    const payin = details["riel.PeruPayinDetails"];
    const over = { ...command, amount: { amount: "600.00", currency: "PEN" } };
    expect(recheckCommand(over)).toMatchObject({ ok: false, errors: [{ field: "amount.amount", rule: expect.stringMatching(/^QR_AMOUNT_LIMIT_EXCEEDED/) }] });
    const untidy = { ...command, details: { "riel.PeruPayinDetails": { ...payin, customer: { ...payin.customer, documentNumber: "1234-5678" } } } };
    expect(recheckCommand(untidy)).toMatchObject({ ok: false, errors: [{ field: "details" }] });
    const zero = { ...command, details: { "riel.PeruPayinDetails": { ...payin, expirationMinutes: 0 } } };
    expect(recheckCommand(zero)).toMatchObject({ ok: false, errors: [{ field: "expirationMinutes" }] });
    expect(peruPayin.bodyOf({ ...command, details: { "riel.PixKeyDetails": { payeeKey: "k", keyType: "PIX_EVP" } } })).toBeNull();
  });

  it("shows the channel, the time the payer has and the document type, never personal data", () => {
    const parsed = peruPayin.parse(request());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const view = peruPayin.view(parsed.value.details);
    expect(view).toEqual({ channel: "ALL_METHODS", expirationMinutes: "720", documentType: "DNI" });
    expect(JSON.stringify(view)).not.toMatch(/12345678|987654321|johndoe|John/);
  });

  it("takes no amount later", () => {
    const parsed = peruPayin.parse(request());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(peruPayin.laterAmount(parsed.value.details, { amount: "1.00", currency: "PEN" })).toMatchObject({ ok: false, errors: [{ field: "amount" }] });
  });
});
