import { describe, expect, it } from "vitest";
import { PERU_TEST_KEYS } from "./peru-directory.js";
import { cciCheckDigit, classifyPeruKey, isValidCci } from "./peru-key-format.js";

describe("CCI check digits", () => {
  it("computes each digit with weights 1, 2 from the left, summing the digits of each product", () => {
    // 0*1 + 0*2 + 2*1 + 1*2 + 9*1 + 3*2 = 0+0+2+2+9+6 = 19 -> (10 - 9) % 10 = 1
    expect(cciCheckDigit("002193")).toBe(1);
    // 0,0,1,2,3,4,5,6,7,8,9,0 weighted 1,2,...: 0+0+1+4+3+8+5+(12->3)+7+(16->7)+9+0 = 47 -> 3
    expect(cciCheckDigit("001234567890")).toBe(3);
    // A sum that is a multiple of 10 gives 0, not 10.
    expect(cciCheckDigit("000000")).toBe(0);
    // 5*1 + 5*2 = 5 + (10 -> 1) = 6 -> 4
    expect(cciCheckDigit("55")).toBe(4);
  });

  it("has valid CCIs as test keys, except the one meant to fail", () => {
    expect(isValidCci(PERU_TEST_KEYS.cci)).toBe(true);
    expect(isValidCci(PERU_TEST_KEYS.cciRejected)).toBe(true);
    expect(isValidCci(PERU_TEST_KEYS.cciWrongCheckDigit)).toBe(false);
    expect(PERU_TEST_KEYS.cciWrongCheckDigit.slice(0, 19)).toBe(PERU_TEST_KEYS.cci.slice(0, 19));
  });
});

describe("classifyPeruKey", () => {
  it.each([
    [PERU_TEST_KEYS.cci, "CCI"],
    [PERU_TEST_KEYS.cciRejected, "CCI"],
    [PERU_TEST_KEYS.phone, "PHONE"],
    [PERU_TEST_KEYS.phoneNotRegistered, "PHONE"],
  ] as const)("reads %s as %s", (key, type) => {
    expect(classifyPeruKey(key)).toBe(type);
  });

  it.each([
    ["CCI with a wrong first check digit", "00219300123456789023"],
    ["CCI with a wrong second check digit", PERU_TEST_KEYS.cciWrongCheckDigit],
    ["CCI of 19 digits", "0021930012345678901"],
    ["CCI with dashes", "002-193-001234567890-13"],
    ["phone not starting with 9", "+51887654321"],
    ["phone without +", "51987654321"],
    ["phone of 8 digits", "+5198765432"],
    ["Brazilian phone", "+5511987654321"],
    ["CPF", "39053344705"],
    ["empty", ""],
  ])("refuses a %s", (_what, key) => {
    expect(classifyPeruKey(key)).toBeUndefined();
  });
});
