import { describe, expect, it } from "vitest";
import { CURRENCY_CODES, currencyFromNumeric, isCurrencyCode, minorUnits, numericCode } from "./index.js";

describe("currency", () => {
  it("maps the ISO 4217 numeric codes that QR tag 53 carries", () => {
    expect(currencyFromNumeric("986")).toBe("BRL");
    expect(currencyFromNumeric("604")).toBe("PEN");
    expect(currencyFromNumeric("170")).toBe("COP");
    expect(currencyFromNumeric("032")).toBe("ARS");
    expect(currencyFromNumeric("840")).toBe("USD");
    expect(currencyFromNumeric("152")).toBe("CLP");
    expect(currencyFromNumeric("484")).toBe("MXN");
  });

  it("does not guess a currency it does not know, nor one missing its leading zero", () => {
    expect(currencyFromNumeric("978")).toBeNull();
    expect(currencyFromNumeric("32")).toBeNull();
  });

  it("round-trips alpha and numeric codes", () => {
    for (const code of CURRENCY_CODES) expect(currencyFromNumeric(numericCode(code))).toBe(code);
  });

  it("knows each currency's minor units", () => {
    expect(minorUnits("BRL")).toBe(2);
    expect(minorUnits("CLP")).toBe(0);
    expect(minorUnits("COP")).toBe(2);
  });

  it("recognises only its own codes, not inherited object keys", () => {
    expect(isCurrencyCode("BRL")).toBe(true);
    expect(isCurrencyCode("brl")).toBe(false);
    expect(isCurrencyCode("toString")).toBe(false);
  });
});
