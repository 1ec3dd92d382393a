import { describe, expect, it } from "vitest";
import { TUMIPAY_TEST_DATA } from "../test-data.js";
import { legalDocProblem, rucCheckDigit } from "./legal-doc.js";

describe("legal documents", () => {
  it("computes SUNAT's RUC check digit (weights 5,4,3,2,7,6,5,4,3,2; 10 -> 0, 11 -> 1)", () => {
    expect(rucCheckDigit("2013131295")).toBe(5);
    expect(rucCheckDigit("2010007097")).toBe(0); // 11 - 1 = 10
    expect(rucCheckDigit("2010000013")).toBe(1); // 11 - 0 = 11
    expect(legalDocProblem("RUC", "20131312955")).toBeUndefined();
    expect(legalDocProblem("RUC", "20131312954")).toBe("must end with a valid RUC check digit");
    expect(legalDocProblem("RUC", "2013131295")).toBe("must be 11 digits for RUC");
  });

  it("accepts the test data's documents of every type", () => {
    for (const [type, doc] of Object.entries(TUMIPAY_TEST_DATA.legalDocs)) {
      expect(legalDocProblem(type as keyof typeof TUMIPAY_TEST_DATA.legalDocs, doc), type).toBeUndefined();
    }
  });

  it.each([
    ["DNI", "1234567", "must be 8 digits for DNI"],
    ["DNI", "1234567a", "must be 8 digits for DNI"],
    ["CE", "12345678", "must be 9 to 12 letters or digits for CE"],
    ["CE", "1234567890123", "must be 9 to 12 letters or digits for CE"],
    ["CE", "12345-6789", "must be 9 to 12 letters or digits for CE"],
    ["PPN", "A1234", "must be 6 to 12 letters or digits for PPN"],
    ["PPN", "A12345678901X", "must be 6 to 12 letters or digits for PPN"],
  ] as const)("refuses %s %s", (type, doc, message) => {
    expect(legalDocProblem(type, doc)).toBe(message);
  });
});
