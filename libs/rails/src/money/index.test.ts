import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, compare, equals, formatAmount, fromMinor, parseAmount, subtract, sum, zero, type Money } from "./index.js";

const brl = (minor: bigint): Money => ({ currency: "BRL", minor });

describe("parseAmount", () => {
  it("accepts the provider shapes: four-decimal strings, JSON floats and integers", () => {
    expect(parseAmount("7.0000", "BRL")).toEqual({ ok: true, value: brl(700n) });
    expect(parseAmount(1.5, "PEN")).toEqual({ ok: true, value: { currency: "PEN", minor: 150n } });
    expect(parseAmount(22, "BRL")).toEqual({ ok: true, value: brl(2200n) });
    expect(parseAmount("1637.3605", "ARS")).toMatchObject({ ok: false, error: { rule: "AMOUNT_TOO_PRECISE" } });
  });

  it("refuses to round away non-zero extra digits", () => {
    const result = parseAmount("7.0050", "BRL");
    expect(result).toMatchObject({ ok: false, error: { rule: "AMOUNT_TOO_PRECISE" } });
    expect(parseAmount("1500.5", "CLP")).toMatchObject({ ok: false, error: { rule: "AMOUNT_TOO_PRECISE" } });
    expect(parseAmount("1500.000", "CLP")).toEqual({ ok: true, value: { currency: "CLP", minor: 1500n } });
  });

  it("converts JSON numbers through their shortest string form, so 0.1 + 0.2 style noise never appears", () => {
    expect(parseAmount(0.1, "BRL")).toEqual({ ok: true, value: brl(10n) });
    expect(parseAmount(0.2, "BRL")).toEqual({ ok: true, value: brl(20n) });
    expect(parseAmount(0.1 + 0.2, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_TOO_PRECISE" } });
    expect(parseAmount(1e21, "BRL")).toEqual({ ok: true, value: brl(10n ** 23n) });
    expect(parseAmount(1e-7, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_TOO_PRECISE" } });
    expect(parseAmount(1.5e-1, "BRL")).toEqual({ ok: true, value: brl(15n) });
  });

  it("rejects shapes that are not plain decimals", () => {
    for (const bad of ["", "1,50", "1.000,00", " 1.50", "1.", ".5", "1e3", "+1", "abc", "0x10", "1_000"]) {
      expect(parseAmount(bad, "BRL"), bad).toMatchObject({ ok: false, error: { rule: "AMOUNT_FORMAT" } });
    }
    expect(parseAmount(Number.NaN, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_NOT_FINITE" } });
    expect(parseAmount(Number.POSITIVE_INFINITY, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_NOT_FINITE" } });
  });

  it("rejects negative amounts but reads negative zero as zero", () => {
    expect(parseAmount("-1.00", "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_NEGATIVE" } });
    expect(parseAmount(-3, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_NEGATIVE" } });
    expect(parseAmount("-0.00", "BRL")).toEqual({ ok: true, value: brl(0n) });
    expect(parseAmount(-0, "BRL")).toEqual({ ok: true, value: brl(0n) });
  });

  it("names the currency's decimals in the rounding error", () => {
    const one = parseAmount("1.5", "CLP");
    expect(one.ok ? "" : one.error.message).toContain("0 decimal places of CLP");
  });
});

describe("formatAmount", () => {
  it("writes exactly the currency's minor units", () => {
    expect(formatAmount(brl(700n))).toBe("7.00");
    expect(formatAmount(brl(5n))).toBe("0.05");
    expect(formatAmount({ currency: "CLP", minor: 1500n })).toBe("1500");
    expect(formatAmount({ currency: "COP", minor: 150000n })).toBe("1500.00");
  });

  it("still writes a negative amount built by hand legibly", () => {
    expect(formatAmount(brl(-705n))).toBe("-7.05");
  });

  it("round-trips with parseAmount for any amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.constantFrom("BRL", "CLP", "PEN") , (minor, currency) => {
        const money: Money = { currency, minor };
        expect(parseAmount(formatAmount(money), currency)).toEqual({ ok: true, value: money });
      }),
    );
  });
});

describe("arithmetic", () => {
  it("adds, subtracts and compares within one currency", () => {
    expect(add(brl(150n), brl(50n))).toEqual({ ok: true, value: brl(200n) });
    expect(subtract(brl(150n), brl(50n))).toEqual({ ok: true, value: brl(100n) });
    expect(compare(brl(1n), brl(2n))).toEqual({ ok: true, value: -1 });
    expect(compare(brl(2n), brl(2n))).toEqual({ ok: true, value: 0 });
    expect(compare(brl(3n), brl(2n))).toEqual({ ok: true, value: 1 });
    expect(sum("BRL", [brl(1n), brl(2n), brl(3n)])).toEqual({ ok: true, value: brl(6n) });
    expect(sum("BRL", [])).toEqual({ ok: true, value: zero("BRL") });
  });

  it("treats a currency mismatch as an error value", () => {
    const pen: Money = { currency: "PEN", minor: 1n };
    for (const result of [add(brl(1n), pen), subtract(brl(1n), pen), compare(brl(1n), pen), sum("BRL", [brl(1n), pen])]) {
      expect(result).toMatchObject({ ok: false, error: { rule: "CURRENCY_MISMATCH" } });
    }
    expect(equals(brl(1n), pen)).toBe(false);
    expect(equals(brl(1n), brl(1n))).toBe(true);
  });

  it("never goes below zero", () => {
    expect(subtract(brl(1n), brl(2n))).toMatchObject({ ok: false, error: { rule: "AMOUNT_NEGATIVE" } });
    expect(fromMinor(-1n, "BRL")).toMatchObject({ ok: false, error: { rule: "AMOUNT_NEGATIVE" } });
    expect(fromMinor(1n, "BRL")).toEqual({ ok: true, value: brl(1n) });
  });
});
