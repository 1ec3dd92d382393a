import { describe, expect, it } from "vitest";
import { PIX_TEST_KEYS } from "./dict-directory.js";
import { classifyDictKey, isValidCnpj, isValidCpf } from "./dict-key-format.js";

describe("classifyDictKey", () => {
  it.each([
    ["39053344705", "CPF"],
    ["11222333000181", "CNPJ"],
    ["pagador@example.com.br", "EMAIL"],
    ["+5511987654321", "PHONE"],
    ["+551133334444", "PHONE"],
    ["8f27d7dc-aa2a-42a8-9f4c-7998dfef5202", "EVP"],
  ] as const)("reads %s as %s", (key, type) => {
    expect(classifyDictKey(key)).toBe(type);
  });

  it.each([
    ["CPF with a wrong check digit", "39053344706"],
    ["CPF of one repeated digit", "11111111111"],
    ["formatted CPF", "390.533.447-05"],
    ["CNPJ with a wrong check digit", "11222333000182"],
    ["phone without +", "5511987654321"],
    ["phone outside Brazil", "+5491123456789"],
    ["phone too short", "+55119876"],
    ["email without domain dot", "someone@localhost"],
    ["UUID v1", "e8a7a740-6f47-11ec-90d6-0242ac120003"],
    ["empty", ""],
  ])("refuses a %s", (_what, key) => {
    expect(classifyDictKey(key)).toBeUndefined();
  });

  it("has test keys that are all valid CPFs", () => {
    for (const key of Object.values(PIX_TEST_KEYS)) expect(isValidCpf(key)).toBe(true);
    expect(isValidCnpj("11222333000181")).toBe(true);
  });
});
