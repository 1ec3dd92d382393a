import { crc16Hex } from "../crc16/index.js";
import { currencyFromNumeric, numericCode, type CurrencyCode } from "../currency/index.js";
import { formatAmount, parseAmount, type Money } from "../money/index.js";
import { err, ok, type Result } from "../result/index.js";
import { charLength, charText, isAscii, readTlv, writeTlv, type CharText, type TlvField, type TlvRule } from "../tlv/index.js";

/**
 * EMVCo merchant-presented QR (EMV QRCPS-MPM): decoding with errors that say
 * where (character offset, tag) and why, and an encoder that only emits codes
 * its own decoder accepts.
 */

export type QrRule =
  | TlvRule
  | "EMPTY"
  | "CHARSET"
  | "CRC_MISSING"
  | "CRC_FORMAT"
  | "CRC_MISMATCH"
  | "DUPLICATE_TAG"
  | "FIELD_ORDER"
  | "MISSING_FIELD"
  | "TAG_NOT_ALLOWED"
  | "VALUE_TOO_LONG"
  | "PAYLOAD_FORMAT"
  | "INITIATION_METHOD"
  | "MERCHANT_ACCOUNT"
  | "PIX_ACCOUNT"
  | "MCC"
  | "CURRENCY"
  | "AMOUNT"
  | "COUNTRY"
  | "MERCHANT_NAME"
  | "MERCHANT_CITY"
  | "POSTAL_CODE"
  | "ADDITIONAL_DATA";

export interface QrIssue {
  readonly rule: QrRule;
  /** Character offset in the payload; null when the problem is an absence or lies in encoder input. */
  readonly offset: number | null;
  /** Tag path ("54", "26.01"); null when no tag can be named. */
  readonly tag: string | null;
  readonly message: string;
}

export interface QrField {
  readonly tag: string;
  readonly value: string;
}

export type MerchantAccountInput =
  /** Tags 02-25: card-network account numbers (Visa, Mastercard...), a single opaque value. */
  | { readonly kind: "NETWORK"; readonly tag: string; readonly value: string }
  /** Tags 26-51: a template whose sub-field 00 is the scheme's GUID (e.g. "br.gov.bcb.pix"). */
  | { readonly kind: "TEMPLATE"; readonly tag: string; readonly fields: readonly QrField[] };

export interface PixAccount {
  /** Sub-field 01: the DICT key of a static code. */
  readonly key: string | null;
  /** Sub-field 25: the payload location of a dynamic code (no scheme). */
  readonly url: string | null;
  /** Sub-field 02: free text shown to the payer. */
  readonly info: string | null;
}

export type MerchantAccount =
  | { readonly kind: "NETWORK"; readonly tag: string; readonly value: string }
  | {
      readonly kind: "TEMPLATE";
      readonly tag: string;
      readonly fields: readonly QrField[];
      readonly guid: string;
      readonly pix: PixAccount | null;
    };

export interface AdditionalData {
  readonly fields: readonly QrField[];
  readonly billNumber: string | null;
  readonly mobileNumber: string | null;
  readonly storeLabel: string | null;
  readonly loyaltyNumber: string | null;
  readonly referenceLabel: string | null;
  readonly customerLabel: string | null;
  readonly terminalLabel: string | null;
  readonly purpose: string | null;
  readonly consumerDataRequest: string | null;
}

/** What the encoder takes; the decoder returns a MerchantQr, which is this plus derived fields. */
export interface MerchantQrInput {
  /** Tag 01: "11" static (reusable), "12" dynamic (one payment); null when absent. */
  readonly initiation: "STATIC" | "DYNAMIC" | null;
  readonly merchantAccounts: readonly MerchantAccountInput[];
  readonly mcc: string;
  readonly currency: CurrencyCode;
  /** Tag 54; null is an open-amount code where the payer enters the amount. */
  readonly amount: Money | null;
  readonly country: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  readonly postalCode: string | null;
  readonly additionalData: { readonly fields: readonly QrField[] } | null;
  /** Tags 55-57 (tip/convenience fee), 64 (alternate language) and 65-99 (RFU, unreserved templates), as raw values. */
  readonly extraFields: readonly QrField[];
}

export interface MerchantQr extends MerchantQrInput {
  readonly merchantAccounts: readonly MerchantAccount[];
  readonly additionalData: AdditionalData | null;
  readonly amountMode: "OPEN" | "CLOSED";
  /** The first Pix account template, if any. */
  readonly pix: PixAccount | null;
  readonly crc: string;
}

export const PIX_GUID = "br.gov.bcb.pix";

const MAX_NAME = 25;
const MAX_CITY = 15;
const MAX_POSTAL_CODE = 10;
const MAX_AMOUNT = 13;
/** EMVCo limits most additional-data sub-fields (01-08, 10, 11) to 25 characters and 09 to 3. */
const ADDITIONAL_DATA_LIMITS: ReadonlyMap<string, number> = new Map([
  ...["01", "02", "03", "04", "05", "06", "07", "08", "10", "11"].map((tag) => [tag, 25] as const),
  ["09", 3] as const,
]);

const MANDATORY: readonly [string, string][] = [
  ["00", "payload format indicator"],
  ["52", "merchant category code"],
  ["53", "transaction currency"],
  ["58", "country code"],
  ["59", "merchant name"],
  ["60", "merchant city"],
];

function tagNumber(tag: string): number {
  return Number(tag);
}

function isNetworkTag(tag: string): boolean {
  return tagNumber(tag) >= 2 && tagNumber(tag) <= 25;
}

function isTemplateAccountTag(tag: string): boolean {
  return tagNumber(tag) >= 26 && tagNumber(tag) <= 51;
}

/** Tags whose value is itself TLV: alternate language (64) and the unreserved templates (80-99). */
function isExtraTemplateTag(tag: string): boolean {
  return tag === "64" || tagNumber(tag) >= 80;
}

function isExtraTag(tag: string): boolean {
  const n = tagNumber(tag);
  return (n >= 55 && n <= 57) || n >= 64;
}

class Issues {
  readonly list: QrIssue[] = [];
  add(rule: QrRule, offset: number | null, tag: string | null, message: string): void {
    this.list.push({ rule, offset, tag, message });
  }
  sorted(): readonly QrIssue[] {
    return [...this.list].sort((a, b) => (a.offset ?? Number.MAX_SAFE_INTEGER) - (b.offset ?? Number.MAX_SAFE_INTEGER));
  }
}

function firstControlCharacter(raw: string): number | null {
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return Array.from(raw.slice(0, i)).length;
  }
  return null;
}

/** Checks the trailing "6304XXXX"; returns the CRC as written, or null when there is none. */
function checkCrc(raw: string, text: CharText, issues: Issues): string | null {
  const n = text.length;
  if (n < 8 || text.slice(n - 8, n - 4) !== "6304") {
    issues.add("CRC_MISSING", Math.max(0, n - 8), "63", 'a merchant QR ends with the CRC field "6304" and four hex digits');
    return null;
  }
  const given = text.slice(n - 4, n);
  if (!/^[0-9A-F]{4}$/.test(given)) {
    issues.add("CRC_FORMAT", n - 4, "63", `CRC ${JSON.stringify(given)} is not four upper-case hex digits`);
    return given;
  }
  // The last four characters are ASCII here, so the UTF-16 slice is exact.
  const expected = crc16Hex(raw.slice(0, raw.length - 4));
  if (given !== expected) {
    issues.add(
      "CRC_MISMATCH",
      n - 4,
      "63",
      `CRC is ${given} but the payload up to and including "6304" computes to ${expected}: the code was altered or mistyped`,
    );
  }
  return given;
}

function subFields(text: CharText, field: TlvField, issues: Issues): readonly TlvField[] {
  const { fields, issue } = readTlv(text, field.valueOffset, field.valueOffset + field.length, field.tag);
  if (issue) issues.add(issue.rule, issue.offset, issue.tag, issue.message);
  const seen = new Set<string>();
  for (const sub of fields) {
    if (seen.has(sub.tag)) {
      issues.add("DUPLICATE_TAG", sub.offset, `${field.tag}.${sub.tag}`, `sub-field ${sub.tag} appears twice in template ${field.tag}`);
    }
    seen.add(sub.tag);
  }
  return fields;
}

function plain(fields: readonly TlvField[]): readonly QrField[] {
  return fields.map(({ tag, value }) => ({ tag, value }));
}

function subValue(fields: readonly QrField[], tag: string): string | null {
  return fields.find((f) => f.tag === tag)?.value ?? null;
}

function pixAccount(fields: readonly QrField[]): PixAccount {
  return { key: subValue(fields, "01"), url: subValue(fields, "25"), info: subValue(fields, "02") };
}

function isPixGuid(guid: string): boolean {
  // Issuers write the GUID in either case; "BR.GOV.BCB.PIX" is common in the wild.
  return guid.toLowerCase() === PIX_GUID;
}

function templateAccount(text: CharText, field: TlvField, issues: Issues): MerchantAccount {
  const fields = plain(subFields(text, field, issues));
  const guid = subValue(fields, "00");
  if (guid === null || guid === "") {
    issues.add("MERCHANT_ACCOUNT", field.offset, field.tag, `merchant account template ${field.tag} has no GUID (sub-field 00)`);
  }
  let pix: PixAccount | null = null;
  if (guid !== null && isPixGuid(guid)) {
    pix = pixAccount(fields);
    if ((pix.key === null) === (pix.url === null)) {
      issues.add(
        "PIX_ACCOUNT",
        field.offset,
        field.tag,
        `Pix template ${field.tag} needs exactly one of a key (sub-field 01, static) or a URL (sub-field 25, dynamic)`,
      );
    }
  }
  return { kind: "TEMPLATE", tag: field.tag, fields, guid: guid ?? "", pix };
}

function additionalData(text: CharText, field: TlvField, issues: Issues): AdditionalData {
  const located = subFields(text, field, issues);
  for (const sub of located) {
    const limit = ADDITIONAL_DATA_LIMITS.get(sub.tag);
    if (limit !== undefined && sub.length > limit) {
      issues.add("ADDITIONAL_DATA", sub.offset, `62.${sub.tag}`, `additional data ${sub.tag} has ${sub.length} characters; at most ${limit}`);
    }
  }
  const fields = plain(located);
  const get = (tag: string): string | null => subValue(fields, tag);
  return {
    fields,
    billNumber: get("01"),
    mobileNumber: get("02"),
    storeLabel: get("03"),
    loyaltyNumber: get("04"),
    referenceLabel: get("05"),
    customerLabel: get("06"),
    terminalLabel: get("07"),
    purpose: get("08"),
    consumerDataRequest: get("09"),
  };
}

function checkLength(field: TlvField, rule: QrRule, what: string, max: number, issues: Issues): void {
  if (field.length === 0 || field.length > max) {
    issues.add(rule, field.offset, field.tag, `${what} (tag ${field.tag}) has ${field.length} characters; it must have 1 to ${max}`);
  }
}

/**
 * Decodes an EMVCo merchant-presented QR payload. Every problem found is
 * reported, ordered by offset: the CRC is checked even when the structure is
 * broken, so a damaged code says both what broke and that it was altered.
 */
export function decodeQr(raw: string): Result<MerchantQr, readonly QrIssue[]> {
  const issues = new Issues();
  if (raw === "") {
    issues.add("EMPTY", 0, null, "the QR payload is empty");
    return err(issues.sorted());
  }
  const text = charText(raw);
  const control = firstControlCharacter(raw);
  if (control !== null) {
    issues.add("CHARSET", control, null, `offset ${control}: control character in the payload (a scanner's line break?)`);
  }
  const { fields, issue } = readTlv(text, 0, text.length);
  if (issue) {
    const hint =
      !isAscii(raw)
        ? " (the payload has non-ASCII characters: EMVCo counts lengths in characters, and a generator that counted UTF-8 bytes breaks exactly like this)"
        : "";
    issues.add(issue.rule, issue.offset, issue.tag, `${issue.message}${hint}`);
  }
  const crc = checkCrc(raw, text, issues);

  const byTag = new Map<string, TlvField>();
  const merchantAccounts: MerchantAccount[] = [];
  const extraFields: QrField[] = [];
  let additional: AdditionalData | null = null;
  for (const field of fields) {
    if (byTag.has(field.tag)) {
      issues.add("DUPLICATE_TAG", field.offset, field.tag, `tag ${field.tag} appears twice`);
      continue;
    }
    byTag.set(field.tag, field);
    if (isNetworkTag(field.tag)) {
      if (field.length === 0) issues.add("MERCHANT_ACCOUNT", field.offset, field.tag, `merchant account ${field.tag} is empty`);
      merchantAccounts.push({ kind: "NETWORK", tag: field.tag, value: field.value });
    } else if (isTemplateAccountTag(field.tag)) {
      merchantAccounts.push(templateAccount(text, field, issues));
    } else if (field.tag === "62") {
      additional = additionalData(text, field, issues);
    } else if (isExtraTag(field.tag)) {
      if (isExtraTemplateTag(field.tag)) subFields(text, field, issues);
      extraFields.push({ tag: field.tag, value: field.value });
    }
  }

  const first = fields[0];
  if (first !== undefined && first.tag !== "00") {
    issues.add("FIELD_ORDER", first.offset, first.tag, "the payload format indicator (tag 00) must come first");
  }
  const last = fields.at(-1);
  if (issue === null && last !== undefined && last.tag !== "63") {
    if (byTag.has("63")) {
      issues.add("FIELD_ORDER", last.offset, last.tag, "the CRC (tag 63) must be the last field");
    } else if (crc !== null) {
      issues.add(
        "FIELD_ORDER",
        last.offset,
        last.tag,
        `the payload ends in "6304${crc}" but that text lies inside the value of tag ${last.tag}: the CRC must be a field of its own`,
      );
    }
  }
  if (issue === null) {
    // A missing tag 63 is already reported by the CRC check.
    for (const [tag, what] of MANDATORY) {
      if (!byTag.has(tag)) issues.add("MISSING_FIELD", null, tag, `the ${what} (tag ${tag}) is missing`);
    }
    if (merchantAccounts.length === 0) {
      issues.add("MISSING_FIELD", null, null, "no merchant account information (tags 02-51)");
    }
  }

  const formatIndicator = byTag.get("00");
  if (formatIndicator && formatIndicator.value !== "01") {
    issues.add("PAYLOAD_FORMAT", formatIndicator.offset, "00", `payload format indicator is ${JSON.stringify(formatIndicator.value)}, must be "01"`);
  }

  let initiation: MerchantQr["initiation"] = null;
  const initiationField = byTag.get("01");
  if (initiationField) {
    if (initiationField.value === "11") initiation = "STATIC";
    else if (initiationField.value === "12") initiation = "DYNAMIC";
    else {
      issues.add(
        "INITIATION_METHOD",
        initiationField.offset,
        "01",
        `point of initiation is ${JSON.stringify(initiationField.value)}, must be "11" (static) or "12" (dynamic)`,
      );
    }
  }

  const mccField = byTag.get("52");
  if (mccField && !/^\d{4}$/.test(mccField.value)) {
    issues.add("MCC", mccField.offset, "52", `merchant category code ${JSON.stringify(mccField.value)} is not four digits`);
  }

  let currency: CurrencyCode | null = null;
  const currencyField = byTag.get("53");
  if (currencyField) {
    currency = currencyFromNumeric(currencyField.value);
    if (currency === null) {
      const hint = /^\d{1,2}$/.test(currencyField.value) ? " (a leading zero lost? ISO 4217 numeric codes have 3 digits)" : "";
      issues.add(
        "CURRENCY",
        currencyField.offset,
        "53",
        `currency ${JSON.stringify(currencyField.value)} is not a supported ISO 4217 numeric code${hint}`,
      );
    }
  }

  let amount: Money | null = null;
  const amountField = byTag.get("54");
  if (amountField) {
    const problem = amountProblem(amountField.value, currency);
    if (typeof problem === "string") issues.add("AMOUNT", amountField.offset, "54", problem);
    else amount = problem;
  }

  const countryField = byTag.get("58");
  if (countryField && !/^[A-Z]{2}$/.test(countryField.value)) {
    issues.add("COUNTRY", countryField.offset, "58", `country ${JSON.stringify(countryField.value)} is not an ISO 3166-1 alpha-2 code`);
  }
  const nameField = byTag.get("59");
  if (nameField) checkLength(nameField, "MERCHANT_NAME", "merchant name", MAX_NAME, issues);
  const cityField = byTag.get("60");
  if (cityField) checkLength(cityField, "MERCHANT_CITY", "merchant city", MAX_CITY, issues);
  const postalField = byTag.get("61");
  if (postalField) checkLength(postalField, "POSTAL_CODE", "postal code", MAX_POSTAL_CODE, issues);

  if (
    issues.list.length > 0 ||
    crc === null ||
    currency === null ||
    mccField === undefined ||
    countryField === undefined ||
    nameField === undefined ||
    cityField === undefined
  ) {
    return err(issues.sorted());
  }
  const pix = merchantAccounts.flatMap((a) => (a.kind === "TEMPLATE" && a.pix ? [a.pix] : []))[0] ?? null;
  return ok({
    initiation,
    merchantAccounts,
    mcc: mccField.value,
    currency,
    amount,
    amountMode: amount === null ? "OPEN" : "CLOSED",
    country: countryField.value,
    merchantName: nameField.value,
    merchantCity: cityField.value,
    postalCode: postalField?.value ?? null,
    additionalData: additional,
    extraFields,
    pix,
    crc,
  });
}

/** The amount as Money, or why it is not one. */
function amountProblem(value: string, currency: CurrencyCode | null): Money | string {
  if (charLength(value) > MAX_AMOUNT) return `amount ${JSON.stringify(value)} is longer than ${MAX_AMOUNT} characters`;
  if (!/^\d+(\.\d+)?$/.test(value)) return `amount ${JSON.stringify(value)} is not digits with an optional "." and decimals`;
  if (currency === null) return `amount ${JSON.stringify(value)} cannot be read without a valid currency`;
  const parsed = parseAmount(value, currency);
  if (!parsed.ok) return `amount ${JSON.stringify(value)}: ${parsed.error.message}`;
  if (parsed.value.minor === 0n) return "amount is zero; an open-amount code omits tag 54 instead";
  return parsed.value;
}

function inputIssue(rule: QrRule, tag: string | null, message: string): QrIssue {
  return { rule, offset: null, tag, message };
}

function encodeTemplate(tag: string, fields: readonly QrField[], issues: QrIssue[]): string {
  const seen = new Set<string>();
  for (const sub of fields) {
    if (seen.has(sub.tag)) issues.push(inputIssue("DUPLICATE_TAG", `${tag}.${sub.tag}`, `sub-field ${sub.tag} given twice in template ${tag}`));
    seen.add(sub.tag);
  }
  const written = writeTlv(fields);
  if (!written.ok) {
    issues.push(inputIssue("VALUE_TOO_LONG", `${tag}.${written.error.tag}`, written.error.message));
    return "";
  }
  return written.value;
}

/**
 * Encodes a merchant QR. Fields are written in ascending tag order (00 first,
 * 63 last) with lengths in characters. The result is decoded again before it
 * is returned, so every code this emits is one decodeQr accepts.
 */
export function encodeQr(input: MerchantQrInput): Result<string, readonly QrIssue[]> {
  const issues: QrIssue[] = [];
  const root: QrField[] = [{ tag: "00", value: "01" }];
  if (input.initiation !== null) root.push({ tag: "01", value: input.initiation === "STATIC" ? "11" : "12" });
  for (const account of input.merchantAccounts) {
    switch (account.kind) {
      case "NETWORK":
        if (!isTwoDigitTag(account.tag) || !isNetworkTag(account.tag)) {
          issues.push(inputIssue("TAG_NOT_ALLOWED", account.tag, `network account tag ${account.tag} is not in 02-25`));
        }
        root.push({ tag: account.tag, value: account.value });
        break;
      case "TEMPLATE":
        if (!isTwoDigitTag(account.tag) || !isTemplateAccountTag(account.tag)) {
          issues.push(inputIssue("TAG_NOT_ALLOWED", account.tag, `merchant account template tag ${account.tag} is not in 26-51`));
        }
        root.push({ tag: account.tag, value: encodeTemplate(account.tag, account.fields, issues) });
        break;
      default: {
        const unreachable: never = account;
        return unreachable;
      }
    }
  }
  root.push({ tag: "52", value: input.mcc }, { tag: "53", value: numericCode(input.currency) });
  if (input.amount !== null) {
    if (input.amount.currency !== input.currency) {
      issues.push(inputIssue("CURRENCY", "54", `amount is in ${input.amount.currency} but the code's currency is ${input.currency}`));
    }
    root.push({ tag: "54", value: formatAmount(input.amount) });
  }
  root.push({ tag: "58", value: input.country }, { tag: "59", value: input.merchantName }, { tag: "60", value: input.merchantCity });
  if (input.postalCode !== null) root.push({ tag: "61", value: input.postalCode });
  if (input.additionalData !== null) root.push({ tag: "62", value: encodeTemplate("62", input.additionalData.fields, issues) });
  for (const extra of input.extraFields) {
    if (!isTwoDigitTag(extra.tag) || !isExtraTag(extra.tag)) {
      issues.push(inputIssue("TAG_NOT_ALLOWED", extra.tag, `extra field tag ${extra.tag} is not 55-57 or 64-99`));
    }
    root.push(extra);
  }
  const seen = new Set<string>();
  for (const field of root) {
    if (seen.has(field.tag)) issues.push(inputIssue("DUPLICATE_TAG", field.tag, `tag ${field.tag} given twice`));
    seen.add(field.tag);
  }
  if (issues.length > 0) return err(issues);
  const body = writeTlv([...root].sort((a, b) => tagNumber(a.tag) - tagNumber(b.tag)));
  if (!body.ok) return err([inputIssue("VALUE_TOO_LONG", body.error.tag, body.error.message)]);
  const withCrcTag = `${body.value}6304`;
  const payload = `${withCrcTag}${crc16Hex(withCrcTag)}`;
  const check = decodeQr(payload);
  return check.ok ? ok(payload) : err(check.error);
}

function isTwoDigitTag(tag: string): boolean {
  return /^\d\d$/.test(tag);
}
