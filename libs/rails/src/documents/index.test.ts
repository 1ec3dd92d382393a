import { describe, expect, it } from "vitest";
import { rucCheckDigit, validatePeruDocument } from "./index.js";

describe("Peruvian documents", () => {
  it("takes an 8-digit DNI and nothing else", () => {
    expect(validatePeruDocument("DNI", "12345678")).toEqual({ ok: true, value: "12345678" });
    expect(validatePeruDocument("DNI", "1234567")).toMatchObject({ ok: false, error: { rule: "DNI_FORMAT" } });
    expect(validatePeruDocument("DNI", "1234567A")).toMatchObject({ ok: false, error: { rule: "DNI_FORMAT" } });
  });

  it("checks a RUC's prefix and modulo-11 check digit (SUNAT's own RUC 20131312955)", () => {
    expect(rucCheckDigit("2013131295")).toBe(5);
    expect(validatePeruDocument("RUC", "20131312955")).toEqual({ ok: true, value: "20131312955" });
    expect(validatePeruDocument("RUC", "20131312954")).toMatchObject({ ok: false, error: { rule: "RUC_CHECK_DIGIT", message: "the RUC check digit should be 5" } });
    expect(validatePeruDocument("RUC", "30131312955")).toMatchObject({ ok: false, error: { rule: "RUC_PREFIX" } });
    expect(validatePeruDocument("RUC", "2013131295")).toMatchObject({ ok: false, error: { rule: "RUC_FORMAT" } });
  });

  it("takes CE and passport numbers of letters and digits, canonically upper case", () => {
    expect(validatePeruDocument("CE", "001234567")).toEqual({ ok: true, value: "001234567" });
    expect(validatePeruDocument("PASSPORT", "ab-123456")).toEqual({ ok: true, value: "AB123456" });
    expect(validatePeruDocument("CE", "12345")).toMatchObject({ ok: false, error: { rule: "CE_FORMAT" } });
    expect(validatePeruDocument("PASSPORT", "A1!")).toMatchObject({ ok: false, error: { rule: "PASSPORT_FORMAT" } });
  });

  it("names the accepted types for an unknown one (Depay's Argentine CUIT is not Peruvian)", () => {
    expect(validatePeruDocument("CUIT", "20131312955")).toMatchObject({ ok: false, error: { rule: "DOCUMENT_TYPE", message: "must be one of DNI, RUC, CE, PASSPORT" } });
  });
});
