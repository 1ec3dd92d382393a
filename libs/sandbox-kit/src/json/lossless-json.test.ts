import { describe, expect, it } from "vitest";
import { isJsonObject, JsonNumber, parseJson, stringifyJson } from "./lossless-json.js";

describe("parseJson", () => {
  it("keeps numbers as their literal text", () => {
    const result = parseJson('{"amount": 10.10, "big": 12345678901234567890.123, "exp": 1e2, "list": [0.1, -3]}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as Record<string, unknown>;
    expect(value.amount).toEqual(new JsonNumber("10.10"));
    expect((value.big as JsonNumber).text).toBe("12345678901234567890.123");
    expect((value.exp as JsonNumber).text).toBe("1e2");
    expect((value.list as JsonNumber[]).map((n) => n.text)).toEqual(["0.1", "-3"]);
  });

  it("reads strings, escapes, literals and nesting like JSON.parse", () => {
    const text = '{"a":"x\\"y\\u00e9","b":[true,false,null],"c":{"d":{}},"e":[]}';
    const result = parseJson(text);
    expect(result).toEqual({ ok: true, value: JSON.parse(text) as unknown });
  });

  it("keeps a __proto__ key as a plain property", () => {
    const result = parseJson('{"__proto__": {"polluted": true}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(isJsonObject(result.value)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result.value as object)).toEqual(["__proto__"]);
  });

  it.each(["", "{", '{"a":}', "[1,]", "01", "1.", "tru", '{"a":1} x', '"unterminated', "NaN"])("refuses %j", (text) => {
    expect(parseJson(text).ok).toBe(false);
  });
});

describe("stringifyJson", () => {
  it("writes JsonNumbers verbatim, so amounts are exact", () => {
    const text = stringifyJson({ amount: new JsonNumber("0.30"), big: new JsonNumber("9007199254740993"), s: 'q"', n: null });
    expect(text).toBe('{"amount":0.30,"big":9007199254740993,"s":"q\\"","n":null}');
  });

  it("round-trips through parseJson", () => {
    const text = '{"a":[1,2.5,{"b":"c"}],"d":true}';
    const parsed = parseJson(text);
    expect(parsed.ok && stringifyJson(parsed.value)).toBe(text);
  });

  it("refuses to build a JsonNumber from non-number text", () => {
    expect(() => new JsonNumber("1,5")).toThrow(TypeError);
  });
});
