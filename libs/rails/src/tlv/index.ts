import { err, ok, type Result } from "../result/index.js";

/**
 * EMVCo TLV: two-digit tag, two-digit length, value. EMVCo counts lengths
 * in characters, so this module counts Unicode code points, never UTF-16
 * units or UTF-8 bytes: "São" is 3 long.
 */

/** A string indexed by characters (code points). */
export interface CharText {
  readonly length: number;
  slice(start: number, end: number): string;
}

const NON_ASCII = /[\u0080-\uffff]/;

export function isAscii(raw: string): boolean {
  return !NON_ASCII.test(raw);
}

export function charText(raw: string): CharText {
  // ASCII is the common case; only then do string indices equal character offsets.
  if (isAscii(raw)) return raw;
  const chars = Array.from(raw);
  return { length: chars.length, slice: (start, end) => chars.slice(start, end).join("") };
}

export function charLength(value: string): number {
  return NON_ASCII.test(value) ? Array.from(value).length : value.length;
}

export interface TlvField {
  readonly tag: string;
  readonly value: string;
  /** Character offset of the tag in the whole payload. */
  readonly offset: number;
  /** Character offset where the value starts. */
  readonly valueOffset: number;
  readonly length: number;
}

export type TlvRule = "TLV_TAG" | "TLV_LENGTH" | "TLV_OVERRUN";

export interface TlvIssue {
  readonly rule: TlvRule;
  readonly offset: number;
  /** Tag path: "41" at the top level, "41.22" inside template 41. */
  readonly tag: string | null;
  readonly message: string;
}

const TWO_DIGITS = /^\d\d$/;

/**
 * Reads TLV fields in text[start, end). Stops at the first malformed field,
 * returning the fields read before it and the issue; the remaining text
 * cannot be framed once one length is wrong.
 */
export function readTlv(
  text: CharText,
  start: number,
  end: number,
  parent: string | null = null,
): { readonly fields: readonly TlvField[]; readonly issue: TlvIssue | null } {
  const fields: TlvField[] = [];
  const where = parent === null ? "the payload" : `template ${parent}`;
  const path = (tag: string): string => (parent === null ? tag : `${parent}.${tag}`);
  let at = start;
  while (at < end) {
    const previous = fields.at(-1);
    const after = previous
      ? `; the field before it, tag ${path(previous.tag)} at offset ${previous.offset}, declared length ${previous.length}, which may be wrong`
      : "";
    if (end - at < 4) {
      const issue: TlvIssue = {
        rule: "TLV_OVERRUN",
        offset: at,
        tag: null,
        message: `offset ${at}: ${end - at} character(s) left in ${where}, too few for a tag and a length${after}`,
      };
      return { fields, issue };
    }
    const tag = text.slice(at, at + 2);
    if (!TWO_DIGITS.test(tag)) {
      const issue: TlvIssue = {
        rule: "TLV_TAG",
        offset: at,
        tag: null,
        message: `offset ${at}: expected a two-digit tag in ${where}, found ${JSON.stringify(tag)}${after}`,
      };
      return { fields, issue };
    }
    const lengthText = text.slice(at + 2, at + 4);
    if (!TWO_DIGITS.test(lengthText)) {
      const issue: TlvIssue = {
        rule: "TLV_LENGTH",
        offset: at + 2,
        tag: path(tag),
        message: `offset ${at + 2}: tag ${path(tag)} has length ${JSON.stringify(lengthText)}, not two digits`,
      };
      return { fields, issue };
    }
    const length = Number(lengthText);
    const valueOffset = at + 4;
    if (valueOffset + length > end) {
      const issue: TlvIssue = {
        rule: "TLV_OVERRUN",
        offset: at,
        tag: path(tag),
        message: `offset ${at}: tag ${path(tag)} declares ${length} characters but only ${end - valueOffset} remain in ${where}`,
      };
      return { fields, issue };
    }
    fields.push({ tag, value: text.slice(valueOffset, valueOffset + length), offset: at, valueOffset, length });
    at = valueOffset + length;
  }
  return { fields, issue: null };
}

export interface TlvInput {
  readonly tag: string;
  readonly value: string;
}

export interface TlvWriteIssue {
  readonly tag: string;
  readonly message: string;
}

/** Writes fields in the order given; a tag that is not two digits or a value over 99 characters is an error. */
export function writeTlv(fields: readonly TlvInput[]): Result<string, TlvWriteIssue> {
  let out = "";
  for (const { tag, value } of fields) {
    if (!TWO_DIGITS.test(tag)) return err({ tag, message: `tag ${JSON.stringify(tag)} is not two digits` });
    const length = charLength(value);
    if (length > 99) return err({ tag, message: `tag ${tag} has ${length} characters; EMVCo allows at most 99` });
    out += `${tag}${String(length).padStart(2, "0")}${value}`;
  }
  return ok(out);
}
