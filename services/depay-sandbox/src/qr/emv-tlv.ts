// The sandbox's own small reader and writer of EMVCo TLV (two-digit tag,
// two-digit length, value). It plays the provider, so it does not share the
// project's rules library. Lengths count characters (Unicode code points), as
// EMVCo does, never UTF-16 units or bytes.

export interface TlvField {
  readonly tag: string;
  readonly value: string;
  /** Character offset of the tag, for problem messages. */
  readonly offset: number;
}

export type TlvRead = { readonly ok: true; readonly fields: readonly TlvField[] } | { readonly ok: false; readonly problem: string };

const TWO_DIGITS = /^\d\d$/;

export function readTlv(text: string): TlvRead {
  const chars = Array.from(text);
  const fields: TlvField[] = [];
  const seen = new Set<string>();
  let pos = 0;
  while (pos < chars.length) {
    const tag = chars.slice(pos, pos + 2).join("");
    const length = chars.slice(pos + 2, pos + 4).join("");
    if (!TWO_DIGITS.test(tag)) return { ok: false, problem: `no two-digit tag at offset ${pos}` };
    if (!TWO_DIGITS.test(length)) return { ok: false, problem: `no two-digit length for tag ${tag} at offset ${pos}` };
    const end = pos + 4 + Number(length);
    if (end > chars.length) return { ok: false, problem: `tag ${tag} at offset ${pos} runs past the end` };
    if (seen.has(tag)) return { ok: false, problem: `tag ${tag} appears twice` };
    seen.add(tag);
    fields.push({ tag, value: chars.slice(pos + 4, end).join(""), offset: pos });
    pos = end;
  }
  return { ok: true, fields };
}

/** One field; the length is counted in characters. */
export function tlv(tag: string, value: string): string {
  const length = Array.from(value).length;
  if (!TWO_DIGITS.test(tag)) throw new RangeError(`tag must be two digits, got ${tag}`);
  if (length > 99) throw new RangeError(`tag ${tag} value is ${length} characters; at most 99 fit`);
  return `${tag}${String(length).padStart(2, "0")}${value}`;
}
