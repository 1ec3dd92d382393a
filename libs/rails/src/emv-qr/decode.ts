import { crc16CodeUnitsHex, crc16Hex } from "../crc16/index.js";
import { currencyFromNumeric, numericCode, type CurrencyCode } from "../currency/index.js";
import type { Money } from "../money/index.js";
import { err, ok, type Result } from "../result/index.js";
import { charLength, charText, framedInCharacters, framedInUtf8Bytes, isAscii, utf8Length, type TlvField } from "../tlv/index.js";
import { readAmount } from "./amount.js";
import { frame, isExtraTag, isNetworkTag, isTemplateAccountTag, tagNumber, type Frame } from "./frame.js";
import {
  PIX_GUID,
  type AdditionalData,
  type MerchantAccount,
  type MerchantQr,
  type PixAccount,
  type PixRecurrence,
  type QrField,
  type QrIssue,
  type QrRule,
} from "./types.js";

/**
 * EMVCo merchant-presented QR (EMV QRCPS-MPM) decoding. A code is refused
 * only when paying it would be unsafe or ambiguous; a code that bends a rule
 * in a way that cannot change who is paid or how much is accepted, and the
 * bend is recorded in `warnings`. Refusals and warnings both say where
 * (character offset, tag) and why.
 */

const MAX_NAME = 25;
const MAX_CITY = 15;
const MAX_POSTAL_CODE = 10;
/**
 * Pix's limit: EMVCo recommends 512 for every code ("should not exceed"), and
 * BCB points Pix implementers to it (bacen/pix-api#457). Riel holds Pix to it;
 * elsewhere it is a warning.
 */
export const PIX_MAX_LENGTH = 512;
const EMVCO_RECOMMENDED_MAX_LENGTH = 512;
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

/** What a paste or a scanner adds around a code: spaces, tabs, line breaks. */
function isEdgeSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function leadingSpace(payload: string): number {
  let n = 0;
  while (n < payload.length && isEdgeSpace(payload.charCodeAt(n))) n++;
  return n;
}

function trailingSpace(payload: string): number {
  let n = 0;
  while (n < payload.length && isEdgeSpace(payload.charCodeAt(payload.length - 1 - n))) n++;
  return n;
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

function isPixGuid(guid: string): boolean {
  // BCB: the GUI is a reverse domain name and case-insensitive; "BR.GOV.BCB.PIX" is common.
  return guid.toLowerCase() === PIX_GUID;
}

function subValue(fields: readonly QrField[], tag: string): string | null {
  return fields.find((f) => f.tag === tag)?.value ?? null;
}

function plain(fields: readonly TlvField[]): readonly QrField[] {
  return fields.map(({ tag, value }) => ({ tag, value }));
}

function urlHost(url: string): string {
  return (url.split("/")[0] ?? "").toLowerCase();
}

/**
 * Checks the trailing "6304XXXX" of `raw` (the payload without edge spaces,
 * which starts at character `base`); returns the CRC upper-cased, or null
 * when there is none.
 */
function checkCrc(raw: string, base: number, issues: Issues, warnings: Issues): string | null {
  const text = charText(raw);
  const n = text.length;
  if (n < 8 || text.slice(n - 8, n - 4) !== "6304") {
    issues.add("CRC_MISSING", base + Math.max(0, n - 8), "63", 'a merchant QR ends with the CRC field "6304" and four hex digits');
    return null;
  }
  const at = base + n - 4;
  const given = text.slice(n - 4, n);
  if (!/^[0-9A-Fa-f]{4}$/.test(given)) {
    issues.add("CRC_FORMAT", at, "63", `CRC ${JSON.stringify(given)} is not four hex digits`);
    return given;
  }
  if (/[a-f]/.test(given) && /[A-F]/.test(given)) {
    // Generators write hex in one case; a mix means the text was edited.
    issues.add("CRC_FORMAT", at, "63", `CRC ${JSON.stringify(given)} mixes upper- and lower-case hex digits, which no generator writes`);
    return given;
  }
  const written = given.toUpperCase();
  // The last four characters are ASCII here, so the UTF-16 slice is exact.
  const body = raw.slice(0, raw.length - 4);
  const expected = crc16Hex(body);
  const verified = written === expected || (!isAscii(body) && crc16CodeUnitsHex(body) === written);
  if (!verified) {
    issues.add(
      "CRC_MISMATCH",
      at,
      "63",
      `CRC is ${given} but the payload up to and including "6304" computes to ${expected}: the code was altered or mistyped`,
    );
    return written;
  }
  if (given !== written) {
    warnings.add("CRC_FORMAT", at, "63", `CRC ${JSON.stringify(given)} is in lower case (EMVCo writes upper case); it verifies, so the code is intact`);
  }
  if (written !== expected) {
    warnings.add(
      "CRC_ENCODING",
      at,
      "63",
      `CRC ${written} verifies over the characters' low bytes (ISO-8859-1, as generators that checksum charCodeAt do), not over UTF-8 (${expected}); the code is intact`,
    );
  }
  return written;
}

interface AccountsContext {
  readonly chosen: Frame;
  readonly issues: Issues;
  readonly warnings: Issues;
}

function at(ctx: AccountsContext, offset: number): number {
  return ctx.chosen.text.charOffset(offset);
}

function fieldAt(ctx: AccountsContext, field: TlvField): number {
  return ctx.chosen.text.charOffset(field.offset);
}

/** A refused reading; `note` (how it was framed) goes on its first issue. */
function failed(chosen: Frame, issues: Issues, warnings: Issues, note: string): Reading {
  const first = issues.list[0];
  if (first !== undefined && note !== "") issues.list[0] = { ...first, message: `${first.message}${note}` };
  return { frame: chosen, issues, warnings, value: err(null) };
}

function subFields(ctx: AccountsContext, field: TlvField, fields: readonly TlvField[]): readonly QrField[] {
  const seen = new Set<string>();
  for (const sub of fields) {
    if (seen.has(sub.tag)) {
      ctx.issues.add("DUPLICATE_TAG", at(ctx, sub.offset), `${field.tag}.${sub.tag}`, `sub-field ${sub.tag} appears twice in template ${field.tag}`);
    }
    seen.add(sub.tag);
  }
  return plain(fields);
}

function opaque(ctx: AccountsContext, field: TlvField, why: string): void {
  ctx.warnings.add(
    "OPAQUE_TEMPLATE",
    at(ctx, field.offset),
    field.tag,
    `tag ${field.tag} should be a template of sub-fields but ${why}; its value is kept raw`,
  );
}

function merchantAccount(ctx: AccountsContext, field: TlvField): MerchantAccount {
  if (field.length === 0) {
    ctx.issues.add("MERCHANT_ACCOUNT", at(ctx, field.offset), field.tag, `merchant account ${field.tag} is empty`);
    return { kind: "OPAQUE", tag: field.tag, value: "" };
  }
  const shape = ctx.chosen.shapes.get(field);
  if (shape === undefined || shape.kind === "OPAQUE") {
    opaque(ctx, field, "holds a bare value (a token some issuers print)");
    return { kind: "OPAQUE", tag: field.tag, value: field.value };
  }
  if (shape.kind === "BROKEN") {
    const { issue } = shape;
    ctx.issues.add(issue.rule, at(ctx, issue.offset), issue.tag, issue.message);
  }
  const fields = subFields(ctx, field, shape.fields);
  const guid = subValue(fields, "00");
  if (guid === null && shape.kind === "TEMPLATE") {
    opaque(ctx, field, "has no GUID (sub-field 00) to say whose account it is");
    return { kind: "OPAQUE", tag: field.tag, value: field.value };
  }
  if (guid === null || guid === "") {
    ctx.issues.add("MERCHANT_ACCOUNT", at(ctx, field.offset), field.tag, `merchant account template ${field.tag} has no GUID (sub-field 00)`);
  }
  const pix: PixAccount | null =
    guid !== null && isPixGuid(guid) ? { key: subValue(fields, "01"), url: subValue(fields, "25"), info: subValue(fields, "02") } : null;
  return { kind: "TEMPLATE", tag: field.tag, fields, guid: guid ?? "", pix };
}

function additionalData(ctx: AccountsContext, field: TlvField): AdditionalData | null {
  const shape = ctx.chosen.shapes.get(field);
  if (shape === undefined || shape.kind !== "TEMPLATE") {
    opaque(ctx, field, "its content is not sub-fields");
    return null;
  }
  for (const sub of shape.fields) {
    const limit = ADDITIONAL_DATA_LIMITS.get(sub.tag);
    const length = charLength(sub.value);
    if (limit !== undefined && length > limit) {
      ctx.warnings.add(
        "ADDITIONAL_DATA",
        at(ctx, sub.offset),
        `62.${sub.tag}`,
        `additional data ${sub.tag} has ${length} characters where EMVCo allows ${limit}; kept whole (it labels the payment, it does not route it)`,
      );
    }
  }
  const fields = subFields(ctx, field, shape.fields);
  return {
    fields,
    billNumber: subValue(fields, "01"),
    mobileNumber: subValue(fields, "02"),
    storeLabel: subValue(fields, "03"),
    loyaltyNumber: subValue(fields, "04"),
    referenceLabel: subValue(fields, "05"),
    customerLabel: subValue(fields, "06"),
    terminalLabel: subValue(fields, "07"),
    purpose: subValue(fields, "08"),
    consumerDataRequest: subValue(fields, "09"),
  };
}

/** Tags 64 and 80-99; returns the Pix recurrence candidate when the template carries Pix's GUI. */
function extraTemplate(ctx: AccountsContext, field: TlvField): { readonly tag: string; readonly offset: number; readonly url: string | null } | null {
  const shape = ctx.chosen.shapes.get(field);
  if (shape === undefined || shape.kind === "OPAQUE") {
    if (field.length > 0) opaque(ctx, field, "its content is not sub-fields");
    return null;
  }
  if (shape.kind === "BROKEN") {
    // Damaged after its GUID: refused for the damage, so its content is not judged further.
    const { issue } = shape;
    ctx.issues.add(issue.rule, at(ctx, issue.offset), issue.tag, issue.message);
    return null;
  }
  const fields = subFields(ctx, field, shape.fields);
  const guid = subValue(fields, "00");
  if (tagNumber(field.tag) < 80 || guid === null || !isPixGuid(guid)) return null;
  return { tag: field.tag, offset: at(ctx, field.offset), url: subValue(fields, "25") };
}

function checkLength(
  field: TlvField,
  offset: number,
  rule: QrRule,
  what: string,
  max: number,
  issues: Issues,
  warnings: Issues,
): void {
  const length = charLength(field.value);
  if (length === 0) issues.add(rule, offset, field.tag, `${what} (tag ${field.tag}) is empty`);
  else if (length > max) {
    warnings.add(rule, offset, field.tag, `${what} (tag ${field.tag}) has ${length} characters where EMVCo allows ${max}; kept whole`);
  }
}

/**
 * Decodes an EMVCo merchant-presented QR payload. Every problem found is
 * reported, ordered by offset: the CRC is checked even when the structure is
 * broken, so a damaged code says both what broke and that it was altered.
 * An accepted code lists in `warnings` the rules it bends (see README).
 */
export function decodeQr(payload: string): Result<MerchantQr, readonly QrIssue[]> {
  const issues = new Issues();
  const warnings = new Issues();
  if (payload === "") {
    issues.add("EMPTY", 0, null, "the QR payload is empty");
    return err(issues.sorted());
  }
  const lead = leadingSpace(payload);
  if (lead === payload.length) {
    issues.add("EMPTY", 0, null, "the QR payload holds only spaces or line breaks");
    return err(issues.sorted());
  }
  const trail = trailingSpace(payload);
  const raw = payload.slice(lead, payload.length - trail);
  if (lead > 0 || trail > 0) {
    warnings.add(
      "CHARSET",
      lead > 0 ? 0 : lead + charLength(raw),
      null,
      `${lead + trail} space or line-break character(s) around the code were removed (a paste or a scanner adds them)`,
    );
  }
  const control = firstControlCharacter(raw);
  if (control !== null) {
    issues.add("CHARSET", lead + control, null, `offset ${lead + control}: control character inside the payload (a line break from a wrapped copy?)`);
  }
  const crc = checkCrc(raw, lead, issues, warnings);
  const reading = chooseReading({ payload, raw, lead, length: charLength(raw), ascii: isAscii(raw) }, crc);
  const all = [...issues.list, ...reading.issues.list];
  if (!reading.value.ok || all.length > 0) {
    const refused = new Issues();
    for (const i of all) refused.add(i.rule, i.offset, i.tag, i.message);
    return err(refused.sorted());
  }
  const merged = new Issues();
  for (const w of [...warnings.list, ...reading.warnings.list]) merged.add(w.rule, w.offset, w.tag, w.message);
  return ok({ ...reading.value.value, warnings: merged.sorted() });
}

/** The text as given, and the code inside it (without the spaces around it, which start at character `lead`). */
interface Payload {
  readonly payload: string;
  readonly raw: string;
  readonly lead: number;
  /** Of `raw`, in characters. */
  readonly length: number;
  readonly ascii: boolean;
}

interface Reading {
  readonly frame: Frame;
  readonly issues: Issues;
  readonly warnings: Issues;
  readonly value: Result<Omit<MerchantQr, "warnings">, null>;
}

/**
 * Reads the payload with lengths in characters, as EMVCo says, and, when it
 * is not ASCII, in UTF-8 bytes, as some generators count. A reading that
 * frames and decodes to a valid code wins; two valid readings are two
 * different codes, and which one was printed cannot be told.
 */
function chooseReading(code: Payload, crc: string | null): Reading {
  const { payload, raw, lead } = code;
  const charsFrame = frame(framedInCharacters(payload), lead, lead + code.length);
  const inChars = read(charsFrame, code, crc, "");
  if (code.ascii) return inChars;
  const bytes = framedInUtf8Bytes(payload);
  const bytesFrame = frame(bytes, lead, bytes.length - (payload.length - lead - raw.length));
  if (!bytesFrame.clean) {
    if (charsFrame.clean) return inChars;
    return read(charsFrame, code, crc, NEITHER_UNIT);
  }
  const inBytes = read(bytesFrame, code, crc, "");
  let why = "the code reads as a valid code that way and only that way";
  if (valid(inChars) && valid(inBytes)) {
    // Generators write tags in ascending order; when exactly one reading is in
    // order, the other is the accident.
    const charsInOrder = inOrder(charsFrame);
    if (charsInOrder === inOrder(bytesFrame)) {
      const differ = charsFrame.fields.find((f, i) => f.tag !== bytesFrame.fields[i]?.tag || f.value !== bytesFrame.fields[i]?.value);
      inChars.issues.add(
        "LENGTH_UNITS",
        differ?.offset ?? lead,
        differ?.tag ?? null,
        "the lengths read both in characters (as EMVCo counts) and in UTF-8 bytes (as some generators count), and each reading is a valid code, a different one; which one was printed cannot be told",
      );
      return inChars;
    }
    if (charsInOrder) return inChars;
    why = "read in characters it is also a valid code, but with its tags out of order, which generators do not write";
  } else if (valid(inChars) || (charsFrame.clean && !valid(inBytes))) {
    return inChars;
  }
  if (!valid(inBytes)) {
    // Framed only in bytes, and faulty in that reading too: its faults are the ones to report.
    return read(bytesFrame, code, crc, " (read with lengths in UTF-8 bytes, the only way this code frames)");
  }
  const first = bytesFrame.fields.find((f) => !isAscii(f.value));
  inBytes.warnings.add(
    "LENGTH_UNITS",
    first === undefined ? lead : bytes.charOffset(first.offset),
    first?.tag ?? null,
    `lengths are counted in UTF-8 bytes, not in characters as EMVCo says; ${why}`,
  );
  return inBytes;
}

function valid(reading: Reading): boolean {
  return reading.value.ok && reading.issues.list.length === 0;
}

/** Tags in ascending order, the CRC (63) last. */
function inOrder(reading: Frame): boolean {
  const tags = reading.fields.slice(0, -1).map((f) => tagNumber(f.tag));
  return tags.every((tag, i) => i === 0 || tag > (tags[i - 1] ?? -1));
}

const NEITHER_UNIT =
  " (the payload has non-ASCII characters, and its lengths frame neither in characters, as EMVCo counts them, nor in UTF-8 bytes, as some generators count them)";

/** Everything after framing: one reading of the payload. */
function read(chosen: Frame, code: Payload, crc: string | null, note: string): Reading {
  const issues = new Issues();
  const warnings = new Issues();
  const { raw, lead, length: rawLength } = code;
  const { issue } = chosen;
  if (issue) issues.add(issue.rule, chosen.text.charOffset(issue.offset), issue.tag, issue.message);
  const ctx: AccountsContext = { chosen, issues, warnings };

  const byTag = new Map<string, TlvField>();
  const merchantAccounts: MerchantAccount[] = [];
  const accountOffsets = new Map<MerchantAccount, number>();
  const extraFields: QrField[] = [];
  const recurrences: { readonly tag: string; readonly offset: number; readonly url: string | null }[] = [];
  let additional: AdditionalData | null = null;
  for (const field of chosen.fields) {
    if (byTag.has(field.tag)) {
      issues.add("DUPLICATE_TAG", fieldAt(ctx, field), field.tag, `tag ${field.tag} appears twice`);
      continue;
    }
    byTag.set(field.tag, field);
    if (isNetworkTag(field.tag)) {
      if (field.length === 0) issues.add("MERCHANT_ACCOUNT", fieldAt(ctx, field), field.tag, `merchant account ${field.tag} is empty`);
      merchantAccounts.push({ kind: "NETWORK", tag: field.tag, value: field.value });
    } else if (isTemplateAccountTag(field.tag)) {
      const account = merchantAccount(ctx, field);
      accountOffsets.set(account, fieldAt(ctx, field));
      merchantAccounts.push(account);
    } else if (field.tag === "62") {
      additional = additionalData(ctx, field);
      if (additional === null) extraFields.push({ tag: field.tag, value: field.value });
    } else if (isExtraTag(field.tag)) {
      if (field.tag === "64" || tagNumber(field.tag) >= 80) {
        const recurrence = extraTemplate(ctx, field);
        if (recurrence !== null) recurrences.push(recurrence);
      }
      extraFields.push({ tag: field.tag, value: field.value });
    }
  }

  const first = chosen.fields[0];
  if (first !== undefined && first.tag !== "00") {
    issues.add("FIELD_ORDER", fieldAt(ctx, first), first.tag, "the payload format indicator (tag 00) must come first");
  }
  const last = chosen.fields.at(-1);
  if (issue === null && last !== undefined && last.tag !== "63") {
    if (byTag.has("63")) {
      issues.add("FIELD_ORDER", fieldAt(ctx, last), last.tag, "the CRC (tag 63) must be the last field");
    } else if (crc !== null) {
      issues.add(
        "FIELD_ORDER",
        fieldAt(ctx, last),
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
    issues.add(
      "PAYLOAD_FORMAT",
      fieldAt(ctx, formatIndicator),
      "00",
      `payload format indicator is ${JSON.stringify(formatIndicator.value)}, must be "01"`,
    );
  }

  let initiation: MerchantQr["initiation"] = null;
  const initiationField = byTag.get("01");
  if (initiationField) {
    if (initiationField.value === "11") initiation = "STATIC";
    else if (initiationField.value === "12") initiation = "DYNAMIC";
    else {
      issues.add(
        "INITIATION_METHOD",
        fieldAt(ctx, initiationField),
        "01",
        `point of initiation is ${JSON.stringify(initiationField.value)}, must be "11" (static) or "12" (dynamic)`,
      );
    }
  }

  const amountField = byTag.get("54");
  const pix = checkPix(merchantAccounts, accountOffsets, recurrences, amountField !== undefined, issues);
  const isPix = pix.account !== null || recurrences.length > 0;

  if (rawLength > PIX_MAX_LENGTH && isPix) {
    issues.add(
      "PAYLOAD_TOO_LONG",
      lead + PIX_MAX_LENGTH,
      null,
      `a Pix code has at most ${PIX_MAX_LENGTH} characters (EMVCo's limit, which BCB points Pix to); this one has ${rawLength}`,
    );
  } else if (rawLength > EMVCO_RECOMMENDED_MAX_LENGTH || (!code.ascii && utf8Length(raw) > EMVCO_RECOMMENDED_MAX_LENGTH)) {
    const over = rawLength > EMVCO_RECOMMENDED_MAX_LENGTH ? EMVCO_RECOMMENDED_MAX_LENGTH : framedInUtf8Bytes(raw).charOffset(EMVCO_RECOMMENDED_MAX_LENGTH);
    warnings.add(
      "PAYLOAD_TOO_LONG",
      lead + over,
      null,
      `the code has ${rawLength} characters (${utf8Length(raw)} UTF-8 bytes); EMVCo recommends at most ${EMVCO_RECOMMENDED_MAX_LENGTH}, and some readers stop there`,
    );
  }

  const mccField = byTag.get("52");
  if (mccField && !/^\d{4}$/.test(mccField.value)) {
    issues.add("MCC", fieldAt(ctx, mccField), "52", `merchant category code ${JSON.stringify(mccField.value)} is not four digits`);
  } else if (mccField && mccField.value === "0000" && !isPix) {
    // BCB defines "0000" as "not given" for Pix; elsewhere it is no ISO 18245 code.
    warnings.add("MCC", fieldAt(ctx, mccField), "52", 'merchant category code "0000" is no ISO 18245 category; read as "not given"');
  }

  const currency = readCurrency(ctx, byTag.get("53"));

  let amount: Money | null = null;
  if (amountField) {
    const reading = readAmount(amountField.value, currency);
    if (!reading.ok) issues.add("AMOUNT", fieldAt(ctx, amountField), "54", reading.problem);
    else {
      amount = reading.money;
      if (reading.warning !== null) warnings.add("AMOUNT", fieldAt(ctx, amountField), "54", reading.warning);
    }
  }

  let country: string | null = null;
  const countryField = byTag.get("58");
  if (countryField && /^[A-Z]{2}$/.test(countryField.value)) country = countryField.value;
  else if (countryField && /^[A-Za-z]{2}$/.test(countryField.value)) {
    country = countryField.value.toUpperCase();
    warnings.add("COUNTRY", fieldAt(ctx, countryField), "58", `country ${JSON.stringify(countryField.value)} is not upper case; read as ${country}`);
  } else if (countryField) {
    issues.add("COUNTRY", fieldAt(ctx, countryField), "58", `country ${JSON.stringify(countryField.value)} is not an ISO 3166-1 alpha-2 code`);
  }
  const nameField = byTag.get("59");
  if (nameField) checkLength(nameField, fieldAt(ctx, nameField), "MERCHANT_NAME", "merchant name", MAX_NAME, issues, warnings);
  const cityField = byTag.get("60");
  if (cityField) checkLength(cityField, fieldAt(ctx, cityField), "MERCHANT_CITY", "merchant city", MAX_CITY, issues, warnings);
  const postalField = byTag.get("61");
  if (postalField) checkLength(postalField, fieldAt(ctx, postalField), "POSTAL_CODE", "postal code", MAX_POSTAL_CODE, issues, warnings);

  if (
    issues.list.length > 0 ||
    crc === null ||
    currency === null ||
    mccField === undefined ||
    country === null ||
    nameField === undefined ||
    cityField === undefined
  ) {
    return failed(chosen, issues, warnings, note);
  }
  const value: Omit<MerchantQr, "warnings"> = {
    initiation,
    merchantAccounts,
    mcc: mccField.value,
    currency,
    amount,
    amountMode: amount === null ? "OPEN" : "CLOSED",
    country,
    merchantName: nameField.value,
    merchantCity: cityField.value,
    postalCode: postalField?.value ?? null,
    additionalData: additional,
    extraFields,
    pix: pix.account,
    pixRecurrence: pix.recurrence,
    crc,
  };
  return { frame: chosen, issues, warnings, value: ok(value) };
}

function readCurrency(ctx: AccountsContext, field: TlvField | undefined): CurrencyCode | null {
  if (field === undefined) return null;
  const exact = currencyFromNumeric(field.value);
  if (exact !== null) return exact;
  // ISO 4217 numeric codes have three digits; "32" can only be "032", written by a generator that passed it through a number.
  const padded = /^\d{1,2}$/.test(field.value) ? currencyFromNumeric(field.value.padStart(3, "0")) : null;
  if (padded !== null) {
    ctx.warnings.add(
      "CURRENCY",
      fieldAt(ctx, field),
      "53",
      `currency ${JSON.stringify(field.value)} lost its leading zero(s); ISO 4217 numeric codes have 3 digits, and the only one it can be is ${numericCode(padded)} (${padded})`,
    );
    return padded;
  }
  ctx.issues.add("CURRENCY", fieldAt(ctx, field), "53", `currency ${JSON.stringify(field.value)} is not a supported ISO 4217 numeric code`);
  return null;
}

/**
 * Pix rules that span templates: one Pix account template at most; it holds
 * exactly one of a key (static) or a URL (dynamic), or neither when a Pix
 * Automático recurrence template (80-99) stands in for the payment; one
 * recurrence template at most, with its URL, on the same host as the payment
 * URL (BCB Pix manual, "QR Code composto").
 */
function checkPix(
  accounts: readonly MerchantAccount[],
  offsets: ReadonlyMap<MerchantAccount, number>,
  recurrences: readonly { readonly tag: string; readonly offset: number; readonly url: string | null }[],
  hasAmount: boolean,
  issues: Issues,
): { readonly account: PixAccount | null; readonly recurrence: PixRecurrence | null } {
  const templates = accounts.flatMap((a) => (a.kind === "TEMPLATE" && a.pix ? [{ tag: a.tag, pix: a.pix, offset: offsets.get(a) ?? null }] : []));
  const [template, second] = templates;
  if (second !== undefined) {
    issues.add(
      "PIX_ACCOUNT",
      second.offset,
      second.tag,
      `Pix templates ${templates.map((t) => t.tag).join(" and ")}: which one receives the payment cannot be told`,
    );
  }
  const [offer, otherOffer] = recurrences;
  if (otherOffer !== undefined) {
    issues.add(
      "PIX_RECURRENCE",
      otherOffer.offset,
      otherOffer.tag,
      `Pix recurrence templates ${recurrences.map((r) => r.tag).join(" and ")}: which recurrence is offered cannot be told`,
    );
  }
  let recurrence: PixRecurrence | null = null;
  if (offer !== undefined) {
    if (offer.url === null || offer.url === "") {
      issues.add("PIX_RECURRENCE", offer.offset, offer.tag, `Pix recurrence template ${offer.tag} has no URL (sub-field 25) for its parameters`);
    } else if (template === undefined) {
      issues.add(
        "PIX_RECURRENCE",
        offer.offset,
        offer.tag,
        `Pix recurrence template ${offer.tag} needs a Pix template in 26-51 (with at least the GUI), which this code lacks`,
      );
    } else {
      recurrence = { tag: offer.tag, url: offer.url, withPayment: template.pix.key !== null || template.pix.url !== null };
    }
  }
  if (template === undefined) return { account: null, recurrence };
  const { pix } = template;
  if (pix.key !== null && pix.url !== null) {
    issues.add("PIX_ACCOUNT", template.offset, template.tag, `Pix template ${template.tag} has both a key (sub-field 01) and a URL (sub-field 25)`);
  } else if (pix.key === null && pix.url === null && offer === undefined) {
    issues.add(
      "PIX_ACCOUNT",
      template.offset,
      template.tag,
      `Pix template ${template.tag} needs a key (sub-field 01, static), a URL (sub-field 25, dynamic), or a recurrence template (80-99, Pix Automático)`,
    );
  } else if (pix.key === null && pix.url === null && hasAmount) {
    issues.add(
      "PIX_ACCOUNT",
      template.offset,
      template.tag,
      `the code has an amount but Pix template ${template.tag} has neither key nor URL to pay it to (only a recurrence to authorise)`,
    );
  }
  if (pix.url !== null && offer?.url && urlHost(pix.url) !== urlHost(offer.url)) {
    issues.add(
      "PIX_RECURRENCE",
      offer.offset,
      offer.tag,
      `the recurrence URL's host (${urlHost(offer.url)}) differs from the payment URL's (${urlHost(pix.url)}); BCB requires the same host for both`,
    );
  }
  return { account: pix, recurrence };
}
