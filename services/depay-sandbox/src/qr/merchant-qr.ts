import { crcHex } from "./crc16.js";
import { readTlv, tlv, type TlvField } from "./emv-tlv.js";

// Reads an EMVCo merchant-presented QR code far enough to play the provider:
// framing, CRC, the mandatory fields, and the parts a preview needs (amount,
// currency, country, merchant, account templates). Anything it cannot read
// is refused with one sentence saying why.

export type Initiation = "STATIC" | "DYNAMIC";

export interface MerchantAccount {
  /** 02-51. */
  readonly tag: string;
  /** Sub-field 00 of a template (26-51); null for a network value (02-25). */
  readonly guid: string | null;
  /** Sub-fields of a template; empty for a network value. */
  readonly fields: ReadonlyMap<string, string>;
  /** The whole value as written. */
  readonly value: string;
}

export interface MerchantQr {
  readonly initiation: Initiation | null;
  readonly accounts: readonly MerchantAccount[];
  readonly mcc: string;
  /** ISO 4217 numeric, e.g. "986". */
  readonly currencyNumeric: string;
  /** Tag 54 exactly as written (digits, optional point); null for an open amount. */
  readonly amount: string | null;
  readonly country: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  readonly postalCode: string | null;
  /** Sub-fields of tag 62 (05 reference label, 07 terminal label, ...). */
  readonly additional: ReadonlyMap<string, string>;
}

export type QrRead = { readonly ok: true; readonly qr: MerchantQr } | { readonly ok: false; readonly problem: string };

const isTemplate = (tag: number): boolean => tag >= 26 && tag <= 51;
const AMOUNT = /^(?:\d+|\d+\.\d+)$/;

function subFields(field: TlvField): { ok: true; map: Map<string, string> } | { ok: false; problem: string } {
  const read = readTlv(field.value);
  if (!read.ok) return { ok: false, problem: `template ${field.tag}: ${read.problem}` };
  return { ok: true, map: new Map(read.fields.map((f) => [f.tag, f.value])) };
}

export function readMerchantQr(payload: string): QrRead {
  const fail = (problem: string): QrRead => ({ ok: false, problem });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(payload)) return fail("control characters are not allowed");
  const read = readTlv(payload);
  if (!read.ok) return fail(read.problem);
  const { fields } = read;
  const first = fields[0];
  const last = fields[fields.length - 1];
  if (first?.tag !== "00" || first.value !== "01") return fail("must start with payload format indicator 000201");
  if (last?.tag !== "63" || !/^[0-9A-F]{4}$/.test(last.value)) return fail("must end with tag 63: four upper-case hex digits of CRC");
  const signed = Array.from(payload).slice(0, last.offset + 4).join("");
  const expected = crcHex(signed);
  if (expected !== last.value) return fail(`CRC is ${last.value} but the payload computes to ${expected}`);

  const byTag = new Map(fields.map((f) => [f.tag, f]));
  const value = (tag: string): string | undefined => byTag.get(tag)?.value;

  const initiationValue = value("01");
  let initiation: Initiation | null = null;
  if (initiationValue === "11") initiation = "STATIC";
  else if (initiationValue === "12") initiation = "DYNAMIC";
  else if (initiationValue !== undefined) return fail("point of initiation (01) must be 11 or 12");

  const accounts: MerchantAccount[] = [];
  for (const field of fields) {
    const tag = Number(field.tag);
    if (tag < 2 || tag > 51) continue;
    if (!isTemplate(tag)) {
      if (field.value === "") return fail(`merchant account ${field.tag} is empty`);
      accounts.push({ tag: field.tag, guid: null, fields: new Map(), value: field.value });
      continue;
    }
    const sub = subFields(field);
    if (!sub.ok) return fail(sub.problem);
    const guid = sub.map.get("00");
    if (guid === undefined || guid === "") return fail(`merchant account template ${field.tag} has no GUID (sub-field 00)`);
    accounts.push({ tag: field.tag, guid, fields: sub.map, value: field.value });
  }
  if (accounts.length === 0) return fail("no merchant account (tags 02-51)");

  const mcc = value("52");
  if (mcc === undefined || !/^\d{4}$/.test(mcc)) return fail("merchant category code (52) must be four digits");
  const currencyNumeric = value("53");
  if (currencyNumeric === undefined || !/^\d{3}$/.test(currencyNumeric)) return fail("currency (53) must be three digits (ISO 4217 numeric)");
  const amount = value("54") ?? null;
  if (amount !== null && (!AMOUNT.test(amount) || amount.length > 13 || /^[0.]+$/.test(amount))) {
    return fail("amount (54) must be a positive decimal of at most 13 characters");
  }
  const country = value("58");
  if (country === undefined || !/^[A-Z]{2}$/.test(country)) return fail("country (58) must be two upper-case letters");
  const merchantName = value("59");
  if (merchantName === undefined || merchantName.length === 0 || Array.from(merchantName).length > 25) {
    return fail("merchant name (59) must have 1 to 25 characters");
  }
  const merchantCity = value("60");
  if (merchantCity === undefined || merchantCity.length === 0 || Array.from(merchantCity).length > 15) {
    return fail("merchant city (60) must have 1 to 15 characters");
  }
  let additional = new Map<string, string>();
  const additionalField = byTag.get("62");
  if (additionalField !== undefined) {
    const sub = subFields(additionalField);
    if (!sub.ok) return fail(sub.problem);
    additional = sub.map;
  }

  return {
    ok: true,
    qr: {
      initiation,
      accounts,
      mcc,
      currencyNumeric,
      amount,
      country,
      merchantName,
      merchantCity,
      postalCode: value("61") ?? null,
      additional,
    },
  };
}

/** A field or a template: a template's sub-fields are written in the order given. */
export type QrField = readonly [tag: string, value: string | readonly (readonly [string, string])[]];

/**
 * Writes fields in the order given and appends the CRC (tag 63), computed
 * here. Used to make the test codes and the test variants; it checks nothing
 * beyond lengths, so tests can also make codes the reader refuses.
 */
export function encodeMerchantQr(fields: readonly QrField[]): string {
  const body = fields
    .map(([tag, value]) => tlv(tag, typeof value === "string" ? value : value.map(([subTag, subValue]) => tlv(subTag, subValue)).join("")))
    .join("");
  const signed = `${body}6304`;
  return `${signed}${crcHex(signed)}`;
}
