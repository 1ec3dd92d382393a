import { describe, expect, it } from "vitest";
import { compare, divide, fractionDigits, multiply, parseDecimal, toFixed, toPlainString } from "./decimal.js";

const d = (text: string) => {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`bad decimal ${text}`);
  return value;
};

describe("decimal", () => {
  it.each([
    ["10", "10"],
    ["10.50", "10.5"],
    ["0.05", "0.05"],
    ["1e2", "100"],
    ["1.5E-3", "0.0015"],
    ["-7.000", "-7"],
    ["0.1", "0.1"],
  ])("parses %s as %s", (text, plain) => {
    expect(toPlainString(d(text))).toBe(plain);
  });

  it.each(["", "abc", "1.", ".5", "1e999", "1,5"])("refuses %j", (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });

  it("adds no binary-float error: 0.1 * 3 is exactly 0.3", () => {
    expect(toPlainString(multiply(d("0.1"), d("3")))).toBe("0.3");
  });

  it("formats with fixed places and rounds half away from zero", () => {
    expect(toFixed(d("7"), 4)).toBe("7.0000");
    expect(toFixed(d("1637.36055"), 4)).toBe("1637.3606");
    expect(toFixed(d("1637.36054"), 4)).toBe("1637.3605");
    expect(toFixed(d("-0.00005"), 4)).toBe("-0.0001");
    expect(toFixed(d("0.5"), 0)).toBe("1");
  });

  it("compares and counts fraction digits", () => {
    expect(compare(d("10.0"), d("10"))).toBe(0);
    expect(compare(d("0.01"), d("0"))).toBe(1);
    expect(compare(d("-1"), d("0"))).toBe(-1);
    expect(fractionDigits(d("10.120"))).toBe(2);
  });

  it("divides exactly, rounding half away from zero at the asked place", () => {
    const q = (a: string, b: string, places: number) => {
      const result = divide(d(a), d(b), places);
      return result === undefined ? undefined : toPlainString(result);
    };
    expect(q("10", "4", 4)).toBe("2.5");
    expect(q("1", "3", 4)).toBe("0.3333");
    expect(q("2", "3", 4)).toBe("0.6667");
    expect(q("-2", "3", 4)).toBe("-0.6667");
    expect(q("1000", "233.9086", 4)).toBe("4.2752");
    expect(q("0.00005", "1", 4)).toBe("0.0001");
    expect(q("1", "0", 4)).toBeUndefined();
  });
});
