import { describe, expect, it } from "vitest";
import vectors from "../../test-vectors.json" with { type: "json" };
import { detectKey, isKeyType, KEY_TYPES, validateKey, type KeyCountry } from "./index.js";

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`test vector lacks ${what}`);
  return value;
}

function country(value: string | undefined): KeyCountry | undefined {
  if (value === undefined || value === "BR" || value === "PE" || value === "CO") return value;
  throw new Error(`test vector has unknown country ${value}`);
}

describe("detectKey (test-vectors.json keys.detect)", () => {
  for (const vector of vectors.keys.detect) {
    const label = `${JSON.stringify(vector.input)}${vector.country ? ` in ${vector.country}` : ""}${vector.name ? `: ${vector.name}` : ""}`;
    it(label, () => {
      const result = detectKey(vector.input, country(vector.country));
      const expected = vector.expect;
      switch (expected.kind) {
        case "DETECTED":
          expect(result).toEqual({
            kind: "DETECTED",
            key: expect.objectContaining({
              type: expected.type,
              value: expected.value,
              normalisations: expected.normalisations,
              normalised: required(expected.normalisations, "normalisations").length > 0,
            }),
          });
          break;
        case "INVALID":
          expect(result).toMatchObject({ kind: "INVALID", error: { rule: expected.rule } });
          break;
        case "AMBIGUOUS":
          expect(result).toMatchObject({ kind: "AMBIGUOUS", candidates: expected.candidates });
          break;
        default:
          throw new Error(`unknown expectation ${JSON.stringify(expected)}`);
      }
    });
  }
});

describe("validateKey (test-vectors.json keys.validate)", () => {
  for (const vector of vectors.keys.validate) {
    it(`${vector.type} ${JSON.stringify(vector.input)}${vector.name ? `: ${vector.name}` : ""}`, () => {
      if (!isKeyType(vector.type)) throw new Error(`unknown key type ${vector.type}`);
      const result = validateKey(vector.type, vector.input);
      if (vector.expect.ok) {
        expect(result).toMatchObject({ ok: true, value: { type: vector.type, value: vector.expect.value } });
      } else {
        expect(result).toMatchObject({ ok: false, error: { rule: vector.expect.rule, type: vector.type } });
      }
    });
  }
});

describe("keys", () => {
  it("covers every key type with at least one valid and one invalid vector", () => {
    const seen = new Map<string, { valid: boolean; invalid: boolean }>(KEY_TYPES.map((t) => [t, { valid: false, invalid: false }]));
    const mark = (type: string, how: "valid" | "invalid"): void => {
      required(seen.get(type), `a known key type, not ${type}`)[how] = true;
    };
    for (const v of vectors.keys.detect) {
      if (v.expect.kind === "DETECTED") mark(required(v.expect.type, "type"), "valid");
      if (v.expect.kind === "AMBIGUOUS") for (const t of required(v.expect.candidates, "candidates")) mark(t, "valid");
    }
    for (const v of vectors.keys.validate) mark(v.type, v.expect.ok ? "valid" : "invalid");
    for (const v of vectors.keys.detect) {
      if (v.expect.kind !== "INVALID") continue;
      const result = detectKey(v.input, country(v.country));
      if (result.kind === "INVALID" && result.error.type !== null) mark(result.error.type, "invalid");
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(KEY_TYPES.map((t) => [t, { valid: true, invalid: true }])));
  });

  it("names the rule and the type in each error message a person reads", () => {
    const result = validateKey("PIX_CPF", "390.533.447-04");
    expect(result).toEqual({
      ok: false,
      error: { rule: "CPF_CHECK_DIGIT_2", type: "PIX_CPF", message: "CPF second check digit should be 5" },
    });
  });

  it("sends the canonical form, not what was typed", () => {
    const result = validateKey("PIX_PHONE", " +55 (11) 98765-4321 ");
    expect(result).toEqual({
      ok: true,
      value: {
        type: "PIX_PHONE",
        country: "BR",
        value: "+5511987654321",
        normalised: true,
        normalisations: ["TRIMMED", "SEPARATORS_REMOVED"],
      },
    });
  });

  it("reports an unnormalised key as such", () => {
    expect(validateKey("PE_PHONE", "+51987654321")).toMatchObject({ ok: true, value: { normalised: false, normalisations: [] } });
  });

  it("states the Bre-B length limit in the error for an '@' key that is too long", () => {
    const result = detectKey("@ABCDEFGHIJKLMNOPQRSTU");
    expect(result).toMatchObject({ kind: "INVALID", error: { rule: "BREB_LENGTH", type: "BREB_ALPHANUMERIC" } });
    expect(result.kind === "INVALID" && result.error.message).toContain("2-21 characters including the '@'");
  });

  it("accepts an '@' key of a length Depay's table does not list, as BREB_ALPHANUMERIC", () => {
    expect(detectKey("@ABCDE", "CO")).toMatchObject({ kind: "DETECTED", key: { type: "BREB_ALPHANUMERIC", value: "@ABCDE", country: "CO" } });
  });

  it("still tells Depay's sub-types apart when the length is one of Depay's table", () => {
    expect(detectKey("@CBAQ1EXD8")).toMatchObject({ kind: "DETECTED", key: { type: "BREB_RANDOM" } });
    expect(detectKey("@CBAQ1ER9001234567")).toMatchObject({ kind: "DETECTED", key: { type: "BREB_ID" } });
  });

  it("names +57 among the supported phone countries", () => {
    const result = detectKey("+1 415 555 0100");
    expect(result.kind === "INVALID" && result.error.message).toContain("+57 (Colombia, Bre-B)");
  });

  it("reads an e-mail as Pix without a country (as before) and as Bre-B with country CO", () => {
    expect(detectKey("pagos@example.com")).toMatchObject({ kind: "DETECTED", key: { type: "PIX_EMAIL" } });
    expect(detectKey("pagos@example.com", "CO")).toMatchObject({ kind: "DETECTED", key: { type: "BREB_EMAIL" } });
  });

  it("rejects a key that is valid but belongs to another country", () => {
    expect(detectKey("+51987654321", "BR")).toMatchObject({ kind: "INVALID", error: { rule: "COUNTRY_MISMATCH", type: "PE_PHONE" } });
  });

  it("asks for the type when two Bre-B types share a shape", () => {
    const result = detectKey("@CBARG452PEXTOCOLOMBI", "CO");
    expect(result).toMatchObject({ kind: "AMBIGUOUS", candidates: ["BREB_NAME", "BREB_OPEN_INPUT"] });
    expect(result.kind === "AMBIGUOUS" && result.message).toContain("state the type");
  });

  it("recognises its own key type names only", () => {
    expect(isKeyType("PIX_CPF")).toBe(true);
    expect(isKeyType("CPF")).toBe(false);
  });
});
