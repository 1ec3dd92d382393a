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

/**
 * A payload read in some framing unit, with the way back to character
 * offsets. EMVCo frames in characters; some generators count UTF-8 bytes
 * instead, and the decoder tries that reading too, so messages (which always
 * speak in characters) need the translation.
 */
export interface FramedText extends CharText {
  readonly units: "CHARACTERS" | "UTF8_BYTES";
  /** The character offset where a unit offset falls. */
  charOffset(unitOffset: number): number;
  /** Whether a unit offset lies between two characters (always, when the units are characters). */
  isBoundary(unitOffset: number): boolean;
}

class CharacterFrame implements FramedText {
  readonly units = "CHARACTERS";
  readonly length: number;
  private readonly text: CharText;
  constructor(raw: string) {
    this.text = charText(raw);
    this.length = this.text.length;
  }
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }
  charOffset(unitOffset: number): number {
    return unitOffset;
  }
  isBoundary(): boolean {
    return true;
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

class Utf8Frame implements FramedText {
  readonly units = "UTF8_BYTES";
  readonly length: number;
  private readonly bytes: Uint8Array;
  /** charAt[i]: how many characters start before byte i; a continuation byte (10xxxxxx) starts none. */
  private readonly charAt: Uint32Array;
  constructor(raw: string) {
    this.bytes = utf8Encoder.encode(raw);
    this.length = this.bytes.length;
    this.charAt = new Uint32Array(this.length + 1);
    for (let i = 0; i < this.length; i++) this.charAt[i + 1] = (this.charAt[i] ?? 0) + (this.continues(i) ? 0 : 1);
  }
  private continues(i: number): boolean {
    return ((this.bytes[i] ?? 0) & 0xc0) === 0x80;
  }
  slice(start: number, end: number): string {
    return utf8Decoder.decode(this.bytes.subarray(start, end));
  }
  charOffset(unitOffset: number): number {
    return this.charAt[Math.min(Math.max(unitOffset, 0), this.length)] ?? 0;
  }
  isBoundary(unitOffset: number): boolean {
    return unitOffset >= this.length || !this.continues(unitOffset);
  }
}

export function framedInCharacters(raw: string): FramedText {
  return new CharacterFrame(raw);
}

export function framedInUtf8Bytes(raw: string): FramedText {
  return new Utf8Frame(raw);
}

export function utf8Length(value: string): number {
  return isAscii(value) ? value.length : utf8Encoder.encode(value).length;
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

/** "41" at the top level, "41.22" inside template 41. */
function tagPath(parent: string | null, tag: string): string {
  return parent === null ? tag : `${parent}.${tag}`;
}

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
  let at = start;
  while (at < end) {
    const previous = fields.at(-1);
    const after = previous
      ? `; the field before it, tag ${tagPath(parent, previous.tag)} at offset ${previous.offset}, declared length ${previous.length}, which may be wrong`
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
        tag: tagPath(parent, tag),
        message: `offset ${at + 2}: tag ${tagPath(parent, tag)} has length ${JSON.stringify(lengthText)}, not two digits`,
      };
      return { fields, issue };
    }
    const length = Number(lengthText);
    const valueOffset = at + 4;
    if (valueOffset + length > end) {
      const issue: TlvIssue = {
        rule: "TLV_OVERRUN",
        offset: at,
        tag: tagPath(parent, tag),
        message: `offset ${at}: tag ${tagPath(parent, tag)} declares ${length} characters but only ${end - valueOffset} remain in ${where}`,
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
