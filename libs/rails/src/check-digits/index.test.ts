import { describe, expect, it } from "vitest";
import { cciCheckDigits, cnpjCheckDigits, cpfCheckDigits } from "./index.js";

describe("check digits", () => {
  it("computes CPF check digits (Depay's own example tax id 390.533.447-05)", () => {
    expect(cpfCheckDigits("390533447")).toEqual([0, 5]);
    expect(cpfCheckDigits("529982247")).toEqual([2, 5]);
  });

  it("computes numeric CNPJ check digits", () => {
    expect(cnpjCheckDigits("112223330001")).toEqual([8, 1]);
  });

  it("computes alphanumeric CNPJ check digits (Receita Federal's published example 12.ABC.345/01DE-35)", () => {
    expect(cnpjCheckDigits("12ABC34501DE")).toEqual([3, 5]);
  });

  it("computes CCI check digits per group", () => {
    // 0 0 2 1 9 3 x 1 2 1 2 1 2 -> 0+0+2+2+9+6 = 19 -> (10 - 9) % 10 = 1
    // 0 0 1 2 3 4 5 6 7 8 9 0 x 1 2 ... -> 0+0+1+4+3+8+5+(1+2)+7+(1+6)+9+0 = 47 -> 3
    expect(cciCheckDigits("002193", "001234567890")).toEqual([1, 3]);
    expect(cciCheckDigits("000000", "000000000000")).toEqual([0, 0]);
  });
});
