import { DICT_EMAIL } from "../pix/index.js";
import { Canonicaliser, keyError, validKey, type KeyResult, type KeyType } from "../types.js";

export type BrebKeyType = Extract<KeyType, `BREB_${string}`>;

/**
 * Bre-B keys (Banco de la República's directory) come in five kinds: an
 * identity document number, a mobile number, an e-mail address, an
 * alphanumeric key starting with "@" (assigned by the financial entity, or
 * chosen by the customer where the entity allows it), and a merchant code.
 * Depay's document names four sub-types of "@" keys (name, id, random,
 * open_input) with fixed lengths; those stay for a caller that states one,
 * but they are not the whole truth: detection accepts any "@" key the shape
 * allows as BREB_ALPHANUMERIC. README "Bre-B keys" gives the sources.
 */
export const BREB_TYPES: readonly BrebKeyType[] = [
  "BREB_NAME",
  "BREB_ID",
  "BREB_RANDOM",
  "BREB_OPEN_INPUT",
  "BREB_ALPHANUMERIC",
  "BREB_PHONE",
  "BREB_EMAIL",
  "BREB_DOCUMENT",
  "BREB_MERCHANT_CODE",
];

/** Depay's four "@" sub-types, which detection tells apart by length. */
const DEPAY_ALIAS_TYPES: readonly BrebKeyType[] = ["BREB_NAME", "BREB_ID", "BREB_RANDOM", "BREB_OPEN_INPUT"];

function range(min: number, max: number): readonly number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** The longest "@" key: "@" and 20 letters or digits, the longest of Depay's examples (name, open_input). */
export const BREB_ALIAS_MAX_LENGTH = 21;
/** RFC 5321's limit for an address; no Bre-B-specific limit is published. */
export const BREB_EMAIL_MAX_LENGTH = 254;

/**
 * Allowed total lengths in characters, the "@" included. Depay's four "@"
 * sub-types keep the lengths of Depay's table (its "Length" column counts
 * the "@": "@CBAQ1EXD8" is 10).
 */
export const BREB_LENGTHS: Readonly<Record<BrebKeyType, readonly number[]>> = {
  BREB_NAME: [21],
  BREB_ID: [17, 18],
  BREB_RANDOM: [10],
  BREB_OPEN_INPUT: [21],
  BREB_ALPHANUMERIC: range(2, BREB_ALIAS_MAX_LENGTH),
  BREB_PHONE: [10],
  BREB_EMAIL: range(3, BREB_EMAIL_MAX_LENGTH),
  BREB_DOCUMENT: range(3, 15),
  BREB_MERCHANT_CODE: range(1, 20),
};

/** "17 or 18", "2-21". */
export function describeLengths(lengths: readonly number[]): string {
  const first = lengths[0];
  const last = lengths.at(-1);
  if (first === undefined || last === undefined) return "no";
  if (lengths.length > 2 && last - first === lengths.length - 1) return `${first}-${last}`;
  return lengths.join(" or ");
}

/**
 * An id key is a 7-character prefix and then the first 9 or 10 digits of the
 * person's id number ("@CBAQ1ER" + "9001234567"): the document's description
 * and its 17-18 length agree only with that reading.
 */
const BREB_ID_PREFIX = 7;

/**
 * Upper-cases an "@" key: every example in Depay's document is upper case and
 * it says nothing of case, so a person typing "@cbaq1exd8" most likely means
 * "@CBAQ1EXD8". Reported as a normalisation so the caller can show it.
 */
export function canonicalBreb(raw: string): Canonicaliser {
  return new Canonicaliser(raw).apply("UPPER_CASED", (s) => s.toUpperCase());
}

function lengthError(type: BrebKeyType, length: number, unit: string): KeyResult {
  return keyError(type, "BREB_LENGTH", `a ${type} key has ${describeLengths(BREB_LENGTHS[type])} ${unit}, this has ${length}`);
}

function validateAlias(type: BrebKeyType, raw: string): KeyResult {
  const input = canonicalBreb(raw);
  const key = input.value;
  if (!key.startsWith("@")) return keyError(type, "BREB_PREFIX", "a Bre-B alphanumeric key starts with '@'");
  if (!/^@[0-9A-Z]*$/.test(key)) return keyError(type, "BREB_CHARSET", "after the '@' a Bre-B key has letters A-Z and digits only");
  if (!BREB_LENGTHS[type].includes(key.length)) return lengthError(type, key.length, "characters including the '@'");
  if (type === "BREB_ID" && !/^\d+$/.test(key.slice(1 + BREB_ID_PREFIX))) {
    return keyError(type, "BREB_ID_DIGITS", "a Bre-B id key ends in the 9 or 10 digits of the id number after a 7-character prefix");
  }
  return validKey(type, key, input.normalisations);
}

/** Characters people type inside phone and document numbers. */
const SEPARATORS = /[\s\-().]/g;

/**
 * A Colombian mobile number: 10 digits starting with 3. Bre-B registers the
 * national number (banks quote "llave Bre-B 3001234567"), so a "+57" typed
 * before it is removed and reported.
 */
function validatePhone(raw: string): KeyResult {
  const input = new Canonicaliser(raw)
    .apply("SEPARATORS_REMOVED", (s) => s.replace(SEPARATORS, ""))
    .apply("COUNTRY_CODE_REMOVED", (s) => (s.startsWith("+57") ? s.slice(3) : s));
  const phone = input.value;
  if (!/^3\d{9}$/.test(phone)) {
    return keyError("BREB_PHONE", "BREB_PHONE_NUMBER", "a Bre-B phone key is a Colombian mobile number: 10 digits starting with 3, with or without +57");
  }
  return validKey("BREB_PHONE", phone, input.normalisations);
}

function validateEmail(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("LOWER_CASED", (s) => s.toLowerCase());
  const email = input.value;
  if (email.length > BREB_EMAIL_MAX_LENGTH) {
    return keyError("BREB_EMAIL", "EMAIL_TOO_LONG", `an e-mail address has at most ${BREB_EMAIL_MAX_LENGTH} characters, this has ${email.length}`);
  }
  if (!DICT_EMAIL.test(email)) return keyError("BREB_EMAIL", "EMAIL_FORMAT", "not an e-mail address");
  return validKey("BREB_EMAIL", email, input.normalisations);
}

/**
 * An identity document number as registered: cédula (up to 10 digits, old
 * ones shorter), NIT (9 digits, 10 with its check digit), tarjeta de
 * identidad, cédula de extranjería, PEP (15 digits), passport (letters and
 * digits). Dots, dashes and spaces are dropped.
 */
function validateDocument(raw: string): KeyResult {
  const input = new Canonicaliser(raw)
    .apply("SEPARATORS_REMOVED", (s) => s.replace(SEPARATORS, ""))
    .apply("UPPER_CASED", (s) => s.toUpperCase());
  const document = input.value;
  if (!/^[0-9A-Z]+$/.test(document) || !/\d/.test(document)) {
    return keyError("BREB_DOCUMENT", "BREB_DOCUMENT_FORMAT", "a Bre-B document key is the document's number: digits, or letters and digits for a passport");
  }
  if (!BREB_LENGTHS.BREB_DOCUMENT.includes(document.length)) return lengthError("BREB_DOCUMENT", document.length, "characters");
  return validKey("BREB_DOCUMENT", document, input.normalisations);
}

/** A merchant code as the merchant's entity assigned it; its shape is not published, so only the characters are checked. */
function validateMerchantCode(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("UPPER_CASED", (s) => s.toUpperCase());
  const code = input.value;
  if (!/^[0-9A-Z]+$/.test(code)) return keyError("BREB_MERCHANT_CODE", "BREB_CHARSET", "a Bre-B merchant code has letters A-Z and digits only");
  if (!BREB_LENGTHS.BREB_MERCHANT_CODE.includes(code.length)) return lengthError("BREB_MERCHANT_CODE", code.length, "characters");
  return validKey("BREB_MERCHANT_CODE", code, input.normalisations);
}

export function validateBreb(type: BrebKeyType, raw: string): KeyResult {
  switch (type) {
    case "BREB_NAME":
    case "BREB_ID":
    case "BREB_RANDOM":
    case "BREB_OPEN_INPUT":
    case "BREB_ALPHANUMERIC":
      return validateAlias(type, raw);
    case "BREB_PHONE":
      return validatePhone(raw);
    case "BREB_EMAIL":
      return validateEmail(raw);
    case "BREB_DOCUMENT":
      return validateDocument(raw);
    case "BREB_MERCHANT_CODE":
      return validateMerchantCode(raw);
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/**
 * Which of Depay's "@" sub-types a key's length allows (name and open_input
 * share length 21, so that case yields both); any other "@" key is
 * BREB_ALPHANUMERIC, which is also where a key of Depay's lengths but not
 * Depay's shape (an 18-character key not ending in digits) lands.
 */
export function brebCandidates(length: number): readonly BrebKeyType[] {
  return DEPAY_ALIAS_TYPES.filter((type) => BREB_LENGTHS[type].includes(length));
}

/** A Colombian mobile typed without "+57": 10 digits starting with 3. */
export function isBrebPhoneShape(compact: string): boolean {
  return /^3\d{9}$/.test(compact);
}

/** A document number: digits, or letters and digits (passports), 3-15. */
export function isBrebDocumentShape(compact: string): boolean {
  return /^[0-9A-Za-z]{3,15}$/.test(compact) && /\d/.test(compact);
}
