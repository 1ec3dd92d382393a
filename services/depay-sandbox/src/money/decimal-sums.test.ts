import { parseDecimal, toPlainString, type Decimal } from "@riel/sandbox-kit";
import { describe, expect, it } from "vitest";
import { add, subtract, ZERO } from "./decimal-sums.js";

const d = (text: string): Decimal => {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(text);
  return value;
};

describe("add and subtract", () => {
  it("are exact across scales", () => {
    expect(toPlainString(add(d("0.1"), d("0.2")))).toBe("0.3");
    expect(toPlainString(add(d("10"), d("0.05")))).toBe("10.05");
    expect(toPlainString(subtract(d("10.5"), d("3.25")))).toBe("7.25");
    expect(toPlainString(subtract(d("1"), d("1.00")))).toBe("0");
    expect(toPlainString(subtract(d("1"), d("1.01")))).toBe("-0.01");
    expect(toPlainString(add(ZERO, d("7")))).toBe("7");
  });
});
