import { describe, expect, it } from "vitest";
import type { CurrencyCode } from "../currency/index.js";
import { formatAmount } from "../money/index.js";
import { readAmount } from "./amount.js";

const read = (value: string, currency: CurrencyCode | null = "BRL") => {
  const reading = readAmount(value, currency);
  return reading.ok ? { amount: formatAmount(reading.money), warned: reading.warning !== null } : { refused: reading.problem };
};

describe("readAmount (tag 54)", () => {
  it.each([
    ["98.73", "BRL", "98.73"],
    ["98", "BRL", "98.00"],
    ["98.", "BRL", "98.00"],
    ["10.5", "BRL", "10.50"],
    ["0010.00", "BRL", "10.00"],
    ["9999999999.99", "BRL", "9999999999.99"],
    ["1500", "CLP", "1500"],
    ["1500.", "CLP", "1500"],
  ] as const)("reads %j (%s) exactly as %s, without a warning (EMVCo's own shapes)", (value, currency, amount) => {
    expect(read(value, currency)).toEqual({ amount, warned: false });
  });

  it.each([
    [".50", "BRL", "0.50"],
    ["10.500", "BRL", "10.50"],
    ["1500.00", "CLP", "1500"],
    ["15000.000", "COP", "15000.00"],
  ] as const)("reads %j (%s) exactly as %s, with a warning", (value, currency, amount) => {
    expect(read(value, currency)).toEqual({ amount, warned: true });
  });

  it.each([
    ["10.505", "BRL", "refusing to round"],
    ["1500.50", "CLP", "refusing to round"],
    ["1,50", "BRL", "digits with an optional"],
    [".", "BRL", "digits with an optional"],
    ["", "BRL", "digits with an optional"],
    ["-5.00", "BRL", "digits with an optional"],
    ["+5.00", "BRL", "digits with an optional"],
    [" 5.00", "BRL", "digits with an optional"],
    ["1e3", "BRL", "digits with an optional"],
    ["1.2.3", "BRL", "digits with an optional"],
    ["0.00", "BRL", "zero"],
    [".00", "BRL", "zero"],
    ["12345678901.00", "BRL", "longer than 13"],
  ] as const)("refuses %j (%s): %s", (value, currency, why) => {
    const result = read(value, currency);
    expect(result).toHaveProperty("refused");
    expect("refused" in result && result.refused).toContain(why);
  });

  it("cannot read an amount without a currency", () => {
    expect(read("10.00", null)).toEqual({ refused: 'amount "10.00" cannot be read without a valid currency' });
  });
});
