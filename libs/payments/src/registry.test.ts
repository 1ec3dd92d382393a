import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePaymentRequest, recheckCommand } from "./registry.js";
import type { InitiatePayment } from "@riel/schemas";

interface Vector {
  readonly name: string;
  readonly payload: string;
}
const vectors = JSON.parse(readFileSync(new URL("../../rails/test-vectors.json", import.meta.url), "utf8")) as { qr: { valid: Vector[]; realWorld: Vector[] } };
const named = (list: readonly Vector[], part: string): string => {
  const v = list.find((x) => x.name.includes(part));
  if (!v) throw new Error(`no vector named like ${part}`);
  return v.payload;
};

const payer = { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705", taxIdType: null };
const qrRequest = (qr: string, extra: Record<string, unknown> = {}) => ({ method: "EMV_QR", qr, payer, externalReference: "r-1", ...extra });
const rules = (body: unknown): string[] => {
  const parsed = parsePaymentRequest(body);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.field}: ${e.rule}`);
};

describe("method registry", () => {
  it("names the methods it takes when the method is missing or unknown", () => {
    expect(rules({ ...qrRequest("x"), method: "CARRIER_PIGEON" })).toEqual(["method: must be one of: PIX_KEY, EMV_QR, PERU_KEY, BREB_KEY, PERU_PAYIN"]);
    expect(rules([])).toEqual(["body: must be a JSON object"]);
  });

  it("refuses names and references that hide or reorder text, and keeps accents, scripts and joiners", () => {
    const pix = (fullName: string, externalReference = "r-1") => ({ method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.50", currency: "BRL" }, payer: { ...payer, fullName }, externalReference });
    const rule = "must not contain control, bidirectional-override, zero-width or unpaired surrogate characters";
    const invisible = ["Jo\u00adao", "Joao\u061cSantos", "Jo\u2060ao", "Joao\u180e", "Joao\u{e0041}", "Joao\ufffe"];
    for (const name of ["Joao\u0000Santos", "Joao \u202eSantos", "Jo\u200bao", "Jo\ufeffao", "Joao\ud800", "Joao\u2066x\u2069", "Joao\nSantos", ...invisible]) {
      expect(rules(pix(name)), JSON.stringify(name)).toEqual([`payer.fullName: ${rule}`]);
    }
    expect(rules(pix("Joao Santos", "order\u202e1"))).toEqual([`externalReference: ${rule}`]);
    // The payer's document type goes to providers as it is: bounded, and as clean as a name.
    const typed = (taxIdType: string) => ({ ...pix("Joao Santos"), payer: { ...payer, taxIdType } });
    expect(rules(typed("CPF\u0000"))).toEqual([`payer.taxIdType: ${rule}`]);
    expect(rules(typed("x".repeat(60_000)))).toEqual(["payer.taxIdType: must be at most 20 characters"]);
    expect(rules(typed("CPF"))).toEqual([]);
    for (const name of ["João Conceição", "Ñuñoa Pérez", "محمد", "राम\u200d", "李小龍", "O'Brien-Smith", "Ana \u{1f469}\u200d\u{1f4bb}"]) expect(rules(pix(name)), name).toEqual([]);
  });

  it("pays a Pix Automático code that carries a payment, and refuses one that only signs up the recurrence", () => {
    const combined = parsePaymentRequest(qrRequest(named(vectors.qr.valid, "combined with a static payment")));
    expect(combined).toMatchObject({ ok: true, value: { amount: { amount: "100.50", currency: "BRL" } } });
    expect(rules(qrRequest(named(vectors.qr.valid, "recurrence only")))).toEqual([expect.stringMatching(/^qr: PIX_RECURRENCE \(tag 80\): /)]);
  });

  it("keeps what a code bends as warnings in its details, and sends the code without the whitespace around it", () => {
    const closed = named(vectors.qr.valid, "");
    const parsed = parsePaymentRequest(qrRequest(`  ${closed}\n`));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || !("riel.EmvQrDetails" in parsed.value.details)) return;
    const details = parsed.value.details["riel.EmvQrDetails"];
    expect(details.qr).toBe(closed);
    expect(details.warnings).toEqual([expect.stringMatching(/^[A-Z_]+/)]);
  });

  it("takes back a command only in the canonical form its rules produce", () => {
    const parsed = parsePaymentRequest({ method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.5", currency: "BRL" }, payer, externalReference: "r-1" });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const envelope = { eventId: "e", occurredAt: "2026-11-22T00:00:00.000Z", paymentId: "p", correlationId: "c", causationId: null };
    const command: InitiatePayment = { envelope, method: "PIX_KEY", payeeKey: null, amount: parsed.value.amount, payer, externalReference: "r-1", details: parsed.value.details };
    expect(command.amount).toEqual({ amount: "10.50", currency: "BRL" });
    expect(recheckCommand(command).ok).toBe(true);
    expect(recheckCommand({ ...command, amount: { amount: "10.5", currency: "BRL" } })).toMatchObject({ ok: false, errors: [{ field: "amount" }] });
  });
});
