import { describe, expect, it } from "vitest";
import { convertAmount } from "./fx-rates.js";

describe("convertAmount", () => {
  it("converts from BRL with the fixed sandbox rate, four decimals at most", () => {
    expect(convertAmount("7", "BRL", "ARS")).toBe("1637.3602");
    expect(convertAmount("10.1", "BRL", "ARS")).toBe("2362.4769");
    expect(convertAmount("10", "BRL", "BRL")).toBe("10");
    expect(convertAmount("10", "BRL", "USD")).toBe("1.8");
  });

  it("converts between two other currencies through BRL, exactly, rounding once", () => {
    // 1000 ARS = 1000 / 233.9086 BRL = 4.27517... BRL
    expect(convertAmount("1000", "ARS", "BRL")).toBe("4.2752");
    // 50 PEN * 0.18 / 0.67 = 13.432835... USD
    expect(convertAmount("50", "PEN", "USD")).toBe("13.4328");
    expect(convertAmount("1500", "CLP", "CLP")).toBe("1500");
    expect(convertAmount("25.5", "PEN", "PEN")).toBe("25.5");
  });

  it("has no rate for currencies the sandbox does not quote", () => {
    expect(convertAmount("10", "BRL", "JPY")).toBeUndefined();
    expect(convertAmount("10", "JPY", "BRL")).toBeUndefined();
    expect(convertAmount("10", "toString", "BRL")).toBeUndefined();
  });
});
