import { brebCandidates, canonicalBreb, validateBreb } from "./breb/index.js";
import { validateCci, validatePeruPhone } from "./peru/index.js";
import { validateCnpj, validateCpf, validateEmail, validateEvp, validatePixPhone } from "./pix/index.js";
import { KEY_COUNTRY, keyError, type KeyCountry, type KeyError, type KeyResult, type KeyType, type PaymentKey } from "./types.js";

export * from "./types.js";
export { BREB_LENGTHS } from "./breb/index.js";
export { DICT_EMAIL_MAX_LENGTH } from "./pix/index.js";

/** Validates `raw` as a key of the stated type; use it whenever the caller knows the type. */
export function validateKey(type: KeyType, raw: string): KeyResult {
  switch (type) {
    case "PIX_CPF":
      return validateCpf(raw);
    case "PIX_CNPJ":
      return validateCnpj(raw);
    case "PIX_EMAIL":
      return validateEmail(raw);
    case "PIX_PHONE":
      return validatePixPhone(raw);
    case "PIX_EVP":
      return validateEvp(raw);
    case "PE_CCI":
      return validateCci(raw);
    case "PE_PHONE":
      return validatePeruPhone(raw);
    case "BREB_NAME":
    case "BREB_ID":
    case "BREB_RANDOM":
    case "BREB_OPEN_INPUT":
      return validateBreb(type, raw);
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

export type KeyDetection =
  | { readonly kind: "DETECTED"; readonly key: PaymentKey }
  /** The input is valid as each candidate and nothing in it says which: the caller must state the type. */
  | { readonly kind: "AMBIGUOUS"; readonly candidates: readonly KeyType[]; readonly message: string }
  | { readonly kind: "INVALID"; readonly error: KeyError };

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decides which key type an input is, by the first rule that matches (after
 * trimming):
 *   1. starts with "@"               -> Bre-B; its length picks the type
 *   2. starts with "+"               -> phone: +55 Pix, +51 Peru, others unsupported
 *   3. contains "@"                  -> Pix e-mail
 *   4. UUID shape (any case)         -> Pix EVP
 *   5. without . - / and spaces:
 *        11 digits                   -> Pix CPF (DICT phone keys always carry +55,
 *                                       so 11 bare digits are never a phone)
 *        14 letters/digits           -> Pix CNPJ (numeric or alphanumeric)
 *        20 digits                   -> Peru CCI
 *   6. anything else                 -> UNRECOGNISED
 * The type is then validated in full, so the error names the rule broken.
 */
function classifyKey(raw: string): readonly KeyType[] {
  const text = raw.trim();
  if (text.startsWith("@")) return brebCandidates(canonicalBreb(text).value.length);
  if (text.startsWith("+")) {
    const digits = text.replace(/[\s\-().]/g, "");
    if (digits.startsWith("+55")) return ["PIX_PHONE"];
    if (digits.startsWith("+51")) return ["PE_PHONE"];
    return [];
  }
  if (text.includes("@")) return ["PIX_EMAIL"];
  if (UUID_ANY_CASE.test(text)) return ["PIX_EVP"];
  const compact = text.replace(/[.\-/\s]/g, "");
  if (/^\d{11}$/.test(compact)) return ["PIX_CPF"];
  if (/^[0-9A-Za-z]{14}$/.test(compact)) return ["PIX_CNPJ"];
  if (/^\d{20}$/.test(compact)) return ["PE_CCI"];
  return [];
}

function unrecognised(raw: string): KeyDetection {
  const text = raw.trim();
  if (text === "") return { kind: "INVALID", error: { rule: "EMPTY", type: null, message: "no key given" } };
  if (text.startsWith("+")) {
    return {
      kind: "INVALID",
      error: { rule: "PHONE_COUNTRY_UNSUPPORTED", type: null, message: "phone keys are supported for +55 (Brazil) and +51 (Peru)" },
    };
  }
  if (text.startsWith("@")) {
    const lengths = "10 (random), 17-18 (id) or 21 (name, open_input)";
    return {
      kind: "INVALID",
      error: { rule: "BREB_LENGTH", type: null, message: `a Bre-B key has ${lengths} characters including the '@', this has ${text.length}` },
    };
  }
  return {
    kind: "INVALID",
    error: {
      rule: "UNRECOGNISED",
      type: null,
      message:
        "not a CPF (11 digits), CNPJ (14), CCI (20), e-mail, EVP (UUID), phone with +55/+51, or Bre-B key (@...); phone keys need their '+' and country code",
    },
  };
}

/**
 * Detects the key type of `raw` (see classifyKey for the rules) and validates
 * it. With `country`, a key of another country is rejected as COUNTRY_MISMATCH
 * rather than silently accepted.
 */
export function detectKey(raw: string, country?: KeyCountry): KeyDetection {
  const [first, ...others] = classifyKey(raw);
  if (first === undefined) return unrecognised(raw);
  if (country !== undefined && KEY_COUNTRY[first] !== country) {
    const { error } = keyError(first, "COUNTRY_MISMATCH", `this looks like a ${first} key (${KEY_COUNTRY[first]}), not a key of ${country}`);
    return { kind: "INVALID", error };
  }
  const result = validateKey(first, raw);
  // Candidates of one shape share their shape rules, so the first one's error speaks for all.
  if (!result.ok) return { kind: "INVALID", error: result.error };
  const alsoValid = others.filter((type) => validateKey(type, raw).ok);
  if (alsoValid.length === 0) return { kind: "DETECTED", key: result.value };
  const candidates = [first, ...alsoValid];
  return {
    kind: "AMBIGUOUS",
    candidates,
    message: `valid as ${candidates.join(" and ")}, which have the same shape; state the type and call validateKey`,
  };
}
