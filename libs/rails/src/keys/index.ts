import { brebCandidates, canonicalBreb, isBrebDocumentShape, isBrebPhoneShape, validateBreb } from "./breb/index.js";
import { validateCci, validatePeruPhone } from "./peru/index.js";
import { validateCnpj, validateCpf, validateEmail, validateEvp, validatePixPhone } from "./pix/index.js";
import { KEY_COUNTRY, keyError, type KeyCountry, type KeyError, type KeyResult, type KeyType, type PaymentKey } from "./types.js";

export * from "./types.js";
export { BREB_ALIAS_MAX_LENGTH, BREB_LENGTHS } from "./breb/index.js";
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
    case "BREB_ALPHANUMERIC":
    case "BREB_PHONE":
    case "BREB_EMAIL":
    case "BREB_DOCUMENT":
    case "BREB_MERCHANT_CODE":
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

/** The types an input's shape allows, and a broader type to fall back on when none of them validates. */
interface Classification {
  readonly candidates: readonly KeyType[];
  readonly fallback: KeyType | null;
}

const only = (...candidates: KeyType[]): Classification => ({ candidates, fallback: null });

/**
 * Decides which key type an input is, by the first rule that matches (after
 * trimming):
 *   1. starts with "@"               -> Bre-B alphanumeric key: Depay's sub-type when
 *                                       its length is one of Depay's table (10 random,
 *                                       17-18 id, 21 name or open_input), otherwise
 *                                       (or when that sub-type's shape fails) BREB_ALPHANUMERIC
 *   2. starts with "+"               -> phone: +55 Pix, +51 Peru, +57 Bre-B, others unsupported
 *   3. contains "@"                  -> e-mail: Bre-B with country CO, Pix otherwise
 *   4. UUID shape (any case)         -> Pix EVP
 *   5. without . - / ( ) and spaces:
 *        with country CO:
 *          10 digits starting with 3 -> Bre-B phone (a Colombian mobile)
 *          3-15 digits or letters
 *          with a digit              -> Bre-B document number
 *        11 digits                   -> Pix CPF (DICT phone keys always carry +55,
 *                                       so 11 bare digits are never a phone)
 *        14 letters/digits           -> Pix CNPJ (numeric or alphanumeric)
 *        20 digits                   -> Peru CCI
 *   6. anything else                 -> UNRECOGNISED
 * Bre-B merchant codes have no published shape, so they are never detected:
 * the caller states BREB_MERCHANT_CODE. The type is then validated in full, so
 * the error names the rule broken.
 */
function classifyKey(raw: string, country: KeyCountry | undefined): Classification {
  const text = raw.trim();
  if (text.startsWith("@")) return { candidates: brebCandidates(canonicalBreb(text).value.length), fallback: "BREB_ALPHANUMERIC" };
  if (text.startsWith("+")) {
    const digits = text.replace(/[\s\-().]/g, "");
    if (digits.startsWith("+55")) return only("PIX_PHONE");
    if (digits.startsWith("+51")) return only("PE_PHONE");
    if (digits.startsWith("+57")) return only("BREB_PHONE");
    return only();
  }
  if (text.includes("@")) return only(country === "CO" ? "BREB_EMAIL" : "PIX_EMAIL");
  if (UUID_ANY_CASE.test(text)) return only("PIX_EVP");
  const compact = text.replace(/[.\-/\s()]/g, "");
  if (country === "CO" && isBrebPhoneShape(compact)) return only("BREB_PHONE");
  if (country === "CO" && isBrebDocumentShape(compact)) return only("BREB_DOCUMENT");
  if (/^\d{11}$/.test(compact)) return only("PIX_CPF");
  if (/^[0-9A-Za-z]{14}$/.test(compact)) return only("PIX_CNPJ");
  if (/^\d{20}$/.test(compact)) return only("PE_CCI");
  return only();
}

function unrecognised(raw: string): KeyDetection {
  const text = raw.trim();
  if (text === "") return { kind: "INVALID", error: { rule: "EMPTY", type: null, message: "no key given" } };
  if (text.startsWith("+")) {
    return {
      kind: "INVALID",
      error: {
        rule: "PHONE_COUNTRY_UNSUPPORTED",
        type: null,
        message: "phone keys are supported for +55 (Brazil), +51 (Peru) and +57 (Colombia, Bre-B)",
      },
    };
  }
  return {
    kind: "INVALID",
    error: {
      rule: "UNRECOGNISED",
      type: null,
      message:
        "not a CPF (11 digits), CNPJ (14), CCI (20), e-mail, EVP (UUID), phone with +55/+51/+57, or Bre-B key (@...); phone keys need their '+' and country code, and Colombian phone and document keys typed without it need country CO",
    },
  };
}

/**
 * Detects the key type of `raw` (see classifyKey for the rules) and validates
 * it. With `country`, a key of another country is rejected as COUNTRY_MISMATCH
 * rather than silently accepted.
 */
export function detectKey(raw: string, country?: KeyCountry): KeyDetection {
  const { candidates, fallback } = classifyKey(raw, country);
  const [first, ...others] = candidates;
  const judged = first ?? fallback;
  if (judged === null) return unrecognised(raw);
  if (country !== undefined && KEY_COUNTRY[judged] !== country) {
    const { error } = keyError(judged, "COUNTRY_MISMATCH", `this looks like a ${judged} key (${KEY_COUNTRY[judged]}), not a key of ${country}`);
    return { kind: "INVALID", error };
  }
  const result = validateKey(judged, raw);
  if (!result.ok && fallback !== null && judged !== fallback) {
    // A shape Depay's table names but this key does not follow: it may still be a key of the broader type.
    const broader = validateKey(fallback, raw);
    if (broader.ok) return { kind: "DETECTED", key: broader.value };
  }
  // Candidates of one shape share their shape rules, so the first one's error speaks for all.
  if (!result.ok) return { kind: "INVALID", error: result.error };
  const alsoValid = others.filter((type) => validateKey(type, raw).ok);
  if (alsoValid.length === 0) return { kind: "DETECTED", key: result.value };
  const valid = [judged, ...alsoValid];
  return {
    kind: "AMBIGUOUS",
    candidates: valid,
    message: `valid as ${valid.join(" and ")}, which have the same shape; state the type and call validateKey`,
  };
}
