import { describe, expect, it } from "vitest";
import { charLength, charText, framedInCharacters, framedInUtf8Bytes, readTlv, utf8Length, writeTlv } from "./index.js";

const read = (raw: string) => {
  const text = charText(raw);
  return readTlv(text, 0, text.length);
};

describe("readTlv", () => {
  it("reads consecutive fields with their offsets", () => {
    expect(read("000201010211")).toEqual({
      fields: [
        { tag: "00", value: "01", offset: 0, valueOffset: 4, length: 2 },
        { tag: "01", value: "11", offset: 6, valueOffset: 10, length: 2 },
      ],
      issue: null,
    });
  });

  it("counts lengths in characters, so accented names frame correctly", () => {
    const { fields, issue } = read("5903São0000");
    expect(issue).toBeNull();
    expect(fields.map((f) => [f.tag, f.value, f.offset])).toEqual([
      ["59", "São", 0],
      ["00", "", 7],
    ]);
    expect(read("5903😀ab").fields[0]?.value).toBe("😀ab");
  });

  it("says where and why a tag is not two digits, pointing at the length before it", () => {
    const { fields, issue } = read("000201AB0211");
    expect(fields).toHaveLength(1);
    expect(issue).toMatchObject({ rule: "TLV_TAG", offset: 6, tag: null });
    expect(issue?.message).toContain("tag 00 at offset 0, declared length 2");
  });

  it("rejects a length that is not two digits", () => {
    expect(read("00x201").issue).toMatchObject({ rule: "TLV_LENGTH", offset: 2, tag: "00" });
  });

  it("rejects a value that runs past the end, naming the template", () => {
    const text = charText("26080012abcd");
    expect(readTlv(text, 4, 12, "26").issue).toMatchObject({ rule: "TLV_OVERRUN", offset: 4, tag: "26.00" });
    expect(readTlv(text, 4, 12, "26").issue?.message).toContain("only 4 remain in template 26");
  });

  it("rejects a dangling tail too short for a tag and a length", () => {
    expect(read("000201630").issue).toMatchObject({ rule: "TLV_OVERRUN", offset: 6, tag: null });
  });
});

describe("writeTlv", () => {
  it("writes tag, two-digit character length and value", () => {
    expect(writeTlv([{ tag: "59", value: "São Paulo" }, { tag: "00", value: "" }])).toEqual({ ok: true, value: "5909São Paulo0000" });
  });

  it("refuses tags that are not two digits and values over 99 characters", () => {
    expect(writeTlv([{ tag: "5", value: "x" }])).toMatchObject({ ok: false, error: { tag: "5" } });
    expect(writeTlv([{ tag: "62", value: "x".repeat(100) }])).toMatchObject({ ok: false, error: { tag: "62" } });
    expect(writeTlv([{ tag: "62", value: "x".repeat(99) }]).ok).toBe(true);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(charLength("😀")).toBe(1);
    expect(charLength("abc")).toBe(3);
  });
});

describe("framing in UTF-8 bytes (for generators that count bytes)", () => {
  it("frames a byte-counted field and maps offsets back to characters", () => {
    const text = framedInUtf8Bytes("5904São0000");
    const { fields, issue } = readTlv(text, 0, text.length);
    expect(issue).toBeNull();
    expect(fields.map((f) => [f.tag, f.value, text.charOffset(f.offset)])).toEqual([
      ["59", "São", 0],
      ["00", "", 7],
    ]);
  });

  it("knows which byte offsets fall inside a character", () => {
    const text = framedInUtf8Bytes("aã😀");
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => text.isBoundary(i))).toEqual([true, true, false, true, false, false, false, true]);
    expect(text.charOffset(7)).toBe(3);
  });

  it("counts characters and bytes as it says", () => {
    const chars = framedInCharacters("São");
    expect([chars.units, chars.length, chars.charOffset(2), chars.isBoundary(1)]).toEqual(["CHARACTERS", 3, 2, true]);
    expect(utf8Length("São")).toBe(4);
    expect(utf8Length("abc")).toBe(3);
  });
});
