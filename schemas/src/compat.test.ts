import { describe, expect, it } from "vitest";
import type { SchemaDocument } from "./catalog.js";
import { parseDocuments } from "./catalog.js";
import { checkBackward } from "./compat.js";

const record = (fields: unknown[]): SchemaDocument[] => [
  { file: "x.avsc", schema: { type: "record", name: "X", namespace: "t", fields } as SchemaDocument["schema"] },
];

describe("checkBackward", () => {
  const v1 = parseDocuments(record([{ name: "a", type: "string" }]));

  it("accepts a field added with a default", () => {
    const v2 = parseDocuments(record([{ name: "a", type: "string" }, { name: "b", type: ["null", "string"], default: null }]));
    expect(checkBackward(v1, v2)).toEqual([]);
  });

  it("refuses a field added without a default, naming the type", () => {
    const v2 = parseDocuments(record([{ name: "a", type: "string" }, { name: "b", type: "string" }]));
    const problems = checkBackward(v1, v2);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.type).toBe("t.X");
  });

  it("refuses a changed field type", () => {
    const v2 = parseDocuments(record([{ name: "a", type: "int" }]));
    expect(checkBackward(v1, v2).map((p) => p.type)).toEqual(["t.X"]);
  });

  it("refuses a removed record type", () => {
    expect(checkBackward(v1, new Map())[0]?.reason).toMatch(/removed/);
  });
});

describe("codec", () => {
  it("hands out plain data, with only the record's fields", async () => {
    const { createLocalCodec } = await import("./codec.js");
    const catalog = parseDocuments(record([{ name: "a", type: "string" }, { name: "n", type: { type: "record", name: "N", fields: [{ name: "b", type: "int" }] } }]));
    const codec = createLocalCodec({ catalog, topics: [{ name: "t", records: ["t.X"], doc: "" }] });
    const decoded = await codec.decode("t", await codec.encode("t", "t.X", { a: "x", n: { b: 1 } }));
    expect(Object.getPrototypeOf(decoded.value)).toBe(Object.prototype);
    const keys: string[] = [];
    for (const k in decoded.value as object) keys.push(k);
    expect(keys).toEqual(["a", "n"]);
    expect(decoded.value).toEqual({ a: "x", n: { b: 1 } });
  });
});
