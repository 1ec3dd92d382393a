import { describe, expect, it } from "vitest";
import { JsonDecimal, parseJsonKeepingNumbers, stringifyWithDecimals } from "./json.js";

describe("parseJsonKeepingNumbers", () => {
  it("keeps every number as its exact text and leaves strings alone", () => {
    expect(parseJsonKeepingNumbers('{"amount":0.1,"n":[22,-3.50,1e3],"s":"7.0000 \\"q\\" 5","z":null,"t":true}')).toEqual({
      amount: "0.1",
      n: ["22", "-3.50", "1e3"],
      s: '7.0000 "q" 5',
      z: null,
      t: true,
    });
  });

  it("still refuses what is not JSON", () => {
    expect(() => parseJsonKeepingNumbers('{"a":1,}')).toThrow(SyntaxError);
  });
});

describe("stringifyWithDecimals", () => {
  it("writes decimals as number literals digit for digit", () => {
    expect(stringifyWithDecimals({ amount: new JsonDecimal("10.10"), note: "x" })).toBe('{"amount":10.10,"note":"x"}');
    expect(stringifyWithDecimals({ amount: new JsonDecimal("0.30") })).toBe('{"amount":0.30}');
  });
});
