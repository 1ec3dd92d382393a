import { readTlv, type FramedText, type TlvField, type TlvIssue } from "../tlv/index.js";

/**
 * Framing: cutting a payload into fields and template sub-fields, in one unit
 * (characters, as EMVCo says, or UTF-8 bytes, as some generators count).
 * Everything that depends on the unit happens here; the checks after it work
 * on the values.
 */

/** What a field EMVCo defines as a template (26-51, 62, 64, 80-99) turned out to hold. */
export type TemplateShape =
  /** Sub-fields, framed to the end. */
  | { readonly kind: "TEMPLATE"; readonly fields: readonly TlvField[] }
  /** An account (26-51) or unreserved (80-99) template that starts with a well-framed GUID (00) and then breaks: damaged. */
  | { readonly kind: "BROKEN"; readonly fields: readonly TlvField[]; readonly issue: TlvIssue }
  /** Not sub-fields at all (a bare token): kept raw. */
  | { readonly kind: "OPAQUE" };

export interface Frame {
  readonly text: FramedText;
  readonly fields: readonly TlvField[];
  /** Why the top level stopped framing, if it did. */
  readonly issue: TlvIssue | null;
  readonly shapes: ReadonlyMap<TlvField, TemplateShape>;
  /** Every field and every template that starts like one frames to its end, on character boundaries, and the CRC is the last field. */
  readonly clean: boolean;
}

export function tagNumber(tag: string): number {
  return Number(tag);
}

export function isNetworkTag(tag: string): boolean {
  return tagNumber(tag) >= 2 && tagNumber(tag) <= 25;
}

export function isTemplateAccountTag(tag: string): boolean {
  return tagNumber(tag) >= 26 && tagNumber(tag) <= 51;
}

/** Tags whose value is itself TLV: alternate language (64) and the unreserved templates (80-99). */
export function isExtraTemplateTag(tag: string): boolean {
  return tag === "64" || tagNumber(tag) >= 80;
}

export function isExtraTag(tag: string): boolean {
  const n = tagNumber(tag);
  return (n >= 55 && n <= 57) || n >= 64;
}

function isTemplateTag(tag: string): boolean {
  return isTemplateAccountTag(tag) || tag === "62" || isExtraTemplateTag(tag);
}

function onBoundaries(text: FramedText, field: TlvField): boolean {
  return text.isBoundary(field.offset) && text.isBoundary(field.valueOffset + field.length);
}

/** Account and unreserved templates carry a GUID at 00; the additional data (62) and language (64) templates do not. */
function hasGuid(tag: string): boolean {
  return isTemplateAccountTag(tag) || tagNumber(tag) >= 80;
}

function templateShape(text: FramedText, field: TlvField): TemplateShape {
  const { fields, issue } = readTlv(text, field.valueOffset, field.valueOffset + field.length, field.tag);
  const cut = fields.find((sub) => !onBoundaries(text, sub));
  if (issue === null && cut === undefined) return { kind: "TEMPLATE", fields };
  // A template's first sub-field is its GUID (00): a value that starts with one
  // was meant as a template, so a break after it is damage, not a token.
  const first = fields[0];
  if (hasGuid(field.tag) && first !== undefined && first.tag === "00" && first.offset === field.valueOffset && onBoundaries(text, first)) {
    const brokenAt: TlvIssue = issue ?? {
      rule: "TLV_LENGTH",
      offset: cut?.offset ?? field.valueOffset,
      tag: `${field.tag}.${cut?.tag ?? "00"}`,
      message: `sub-field ${cut?.tag ?? "00"} of template ${field.tag} ends inside a character`,
    };
    return { kind: "BROKEN", fields, issue: brokenAt };
  }
  return { kind: "OPAQUE" };
}

/** Frames text[start, end): the payload without the spaces and line breaks a paste may add around it. */
export function frame(text: FramedText, start: number, end: number): Frame {
  const { fields, issue } = readTlv(text, start, end);
  const shapes = new Map<TlvField, TemplateShape>();
  let clean = issue === null && fields.at(-1)?.tag === "63";
  for (const field of fields) {
    if (!onBoundaries(text, field)) clean = false;
    if (!isTemplateTag(field.tag)) continue;
    const shape = templateShape(text, field);
    if (shape.kind === "BROKEN") clean = false;
    shapes.set(field, shape);
  }
  return { text, fields, issue, shapes, clean };
}
