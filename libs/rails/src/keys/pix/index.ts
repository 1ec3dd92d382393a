import { cnpjCheckDigits, cpfCheckDigits } from "../../check-digits/index.js";
import { Canonicaliser, keyError, validKey, type KeyResult } from "../types.js";

/** Characters people type inside CPF/CNPJ ("123.456.789-09", "12.ABC.345/01DE-35"). */
const TAX_ID_SEPARATORS = /[.\-/\s]/g;
/** Characters people type inside phone numbers ("+55 (11) 98765-4321"). */
const PHONE_SEPARATORS = /[\s\-().]/g;

export function validateCpf(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("SEPARATORS_REMOVED", (s) => s.replace(TAX_ID_SEPARATORS, ""));
  const cpf = input.value;
  if (cpf.length !== 11) return keyError("PIX_CPF", "CPF_LENGTH", `a CPF has 11 digits, this has ${cpf.length} characters`);
  if (!/^\d{11}$/.test(cpf)) return keyError("PIX_CPF", "CPF_DIGITS", "a CPF has digits only");
  // 000.000.000-00 ... 999.999.999-99 pass the arithmetic but Receita never issues them.
  if (/^(\d)\1{10}$/.test(cpf)) return keyError("PIX_CPF", "CPF_REPEATED_DIGITS", "a CPF of one repeated digit is never issued");
  const [first, second] = cpfCheckDigits(cpf.slice(0, 9));
  if (Number(cpf[9]) !== first) return keyError("PIX_CPF", "CPF_CHECK_DIGIT_1", `CPF first check digit should be ${first}`);
  if (Number(cpf[10]) !== second) return keyError("PIX_CPF", "CPF_CHECK_DIGIT_2", `CPF second check digit should be ${second}`);
  return validKey("PIX_CPF", cpf, input.normalisations);
}

export function validateCnpj(raw: string): KeyResult {
  const input = new Canonicaliser(raw)
    .apply("SEPARATORS_REMOVED", (s) => s.replace(TAX_ID_SEPARATORS, ""))
    .apply("UPPER_CASED", (s) => s.toUpperCase());
  const cnpj = input.value;
  if (cnpj.length !== 14) return keyError("PIX_CNPJ", "CNPJ_LENGTH", `a CNPJ has 14 characters, this has ${cnpj.length}`);
  if (!/^[0-9A-Z]{12}/.test(cnpj)) {
    return keyError("PIX_CNPJ", "CNPJ_CHARSET", "a CNPJ's first 12 characters are digits or letters A-Z");
  }
  if (!/\d{2}$/.test(cnpj)) return keyError("PIX_CNPJ", "CNPJ_CHECK_DIGITS_NOT_NUMERIC", "a CNPJ's last 2 characters are digits");
  if (/^(.)\1{13}$/.test(cnpj)) return keyError("PIX_CNPJ", "CNPJ_REPEATED_CHARS", "a CNPJ of one repeated digit is never issued");
  const [first, second] = cnpjCheckDigits(cnpj.slice(0, 12));
  if (Number(cnpj[12]) !== first) return keyError("PIX_CNPJ", "CNPJ_CHECK_DIGIT_1", `CNPJ first check digit should be ${first}`);
  if (Number(cnpj[13]) !== second) return keyError("PIX_CNPJ", "CNPJ_CHECK_DIGIT_2", `CNPJ second check digit should be ${second}`);
  return validKey("PIX_CNPJ", cnpj, input.normalisations);
}

/** DICT's own limit and pattern (BCB DICT API, key type EMAIL): lower case only, at most 77 characters. */
export const DICT_EMAIL_MAX_LENGTH = 77;
export const DICT_EMAIL =
  /^[a-z0-9.!#$&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function validateEmail(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("LOWER_CASED", (s) => s.toLowerCase());
  const email = input.value;
  if (email.length > DICT_EMAIL_MAX_LENGTH) {
    return keyError("PIX_EMAIL", "EMAIL_TOO_LONG", `DICT allows e-mail keys of at most ${DICT_EMAIL_MAX_LENGTH} characters, this has ${email.length}`);
  }
  if (!DICT_EMAIL.test(email)) return keyError("PIX_EMAIL", "EMAIL_FORMAT", "not an e-mail address DICT accepts");
  return validKey("PIX_EMAIL", email, input.normalisations);
}

/** Area codes (DDD) Anatel has assigned. */
const BRAZIL_AREA_CODES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48, 49, 51,
  53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94,
  95, 96, 97, 98, 99,
]);

/**
 * Splits "+CC..." typed input into canonical E.164 or the rule it breaks.
 * Shared by the Brazilian and Peruvian phone keys.
 */
export function canonicalPhone(raw: string): { readonly input: Canonicaliser; readonly problem: "PHONE_PLUS_PREFIX" | "PHONE_CHARSET" | null } {
  const input = new Canonicaliser(raw).apply("SEPARATORS_REMOVED", (s) => s.replace(PHONE_SEPARATORS, ""));
  if (!input.value.startsWith("+")) return { input, problem: "PHONE_PLUS_PREFIX" };
  if (!/^\+\d+$/.test(input.value)) return { input, problem: "PHONE_CHARSET" };
  return { input, problem: null };
}

export function validatePixPhone(raw: string): KeyResult {
  const { input, problem } = canonicalPhone(raw);
  if (problem === "PHONE_PLUS_PREFIX") {
    return keyError("PIX_PHONE", problem, "DICT phone keys are E.164 with the '+': +55, area code, number");
  }
  if (problem === "PHONE_CHARSET") return keyError("PIX_PHONE", problem, "a phone key has only digits after the '+'");
  const phone = input.value;
  if (!phone.startsWith("+55")) return keyError("PIX_PHONE", "PHONE_COUNTRY_CODE", "a Pix phone key starts with +55");
  const areaCode = Number(phone.slice(3, 5));
  if (!BRAZIL_AREA_CODES.has(areaCode)) {
    return keyError("PIX_PHONE", "PHONE_BR_AREA_CODE", `${phone.slice(3, 5)} is not a Brazilian area code (DDD)`);
  }
  if (!/^9\d{8}$/.test(phone.slice(5))) {
    return keyError("PIX_PHONE", "PHONE_BR_NUMBER", "after the area code a Pix phone key has a 9-digit mobile number starting with 9");
  }
  return validKey("PIX_PHONE", phone, input.normalisations);
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function validateEvp(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("LOWER_CASED", (s) => s.toLowerCase());
  const evp = input.value;
  if (!UUID_SHAPE.test(evp)) return keyError("PIX_EVP", "EVP_FORMAT", "an EVP is a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  if (evp.charAt(14) !== "4") return keyError("PIX_EVP", "EVP_VERSION", `an EVP is a version 4 UUID, this is version ${evp.charAt(14)}`);
  if (!"89ab".includes(evp.charAt(19))) return keyError("PIX_EVP", "EVP_VARIANT", "an EVP is an RFC 4122 UUID (variant digit 8, 9, a or b)");
  return validKey("PIX_EVP", evp, input.normalisations);
}
