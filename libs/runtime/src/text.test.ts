import { describe, expect, it } from "vitest";
import { unpairedSurrogatePath } from "./text.js";

describe("unpaired surrogates in parsed JSON", () => {
  it("names the first string, key or value, that holds half a surrogate pair", () => {
    expect(unpairedSurrogatePath(JSON.parse('{"payer":{"fullName":"Ana","taxIdType":"DNI\\ud800"}}'))).toBe("payer.taxIdType");
    expect(unpairedSurrogatePath(JSON.parse('{"list":["a","\\udfff"]}'))).toBe("list.1");
    expect(unpairedSurrogatePath(JSON.parse('{"a":{"\\ud800":1}}'))).toBe("a.\ud800");
    expect(unpairedSurrogatePath(JSON.parse('"\\ud800"'))).toBe("");
  });

  it("passes whole pairs (emoji), other text, and non-strings", () => {
    expect(unpairedSurrogatePath(JSON.parse('{"name":"Ana \\ud83d\\ude00","n":1,"b":true,"z":null,"e":[]}'))).toBeNull();
    expect(unpairedSurrogatePath({ name: "João 💸", tricky: "\u200b\ufffd" })).toBeNull();
  });

  it("walks any nesting JSON.parse takes without running out of stack", () => {
    const depth = 200_000;
    expect(unpairedSurrogatePath(JSON.parse(`${"[".repeat(depth)}"\\ud800"${"]".repeat(depth)}`))).toBe(Array(depth).fill("0").join("."));
  });
});
