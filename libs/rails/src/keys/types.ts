import { err, ok, type Result } from "../result/index.js";

export const KEY_TYPES = [
  "PIX_CPF",
  "PIX_CNPJ",
  "PIX_EMAIL",
  "PIX_PHONE",
  "PIX_EVP",
  "PE_CCI",
  "PE_PHONE",
  "BREB_NAME",
  "BREB_ID",
  "BREB_RANDOM",
  "BREB_OPEN_INPUT",
  "BREB_ALPHANUMERIC",
  "BREB_PHONE",
  "BREB_EMAIL",
  "BREB_DOCUMENT",
  "BREB_MERCHANT_CODE",
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

export type KeyCountry = "BR" | "PE" | "CO";

export const KEY_COUNTRY: Readonly<Record<KeyType, KeyCountry>> = {
  PIX_CPF: "BR",
  PIX_CNPJ: "BR",
  PIX_EMAIL: "BR",
  PIX_PHONE: "BR",
  PIX_EVP: "BR",
  PE_CCI: "PE",
  PE_PHONE: "PE",
  BREB_NAME: "CO",
  BREB_ID: "CO",
  BREB_RANDOM: "CO",
  BREB_OPEN_INPUT: "CO",
  BREB_ALPHANUMERIC: "CO",
  BREB_PHONE: "CO",
  BREB_EMAIL: "CO",
  BREB_DOCUMENT: "CO",
  BREB_MERCHANT_CODE: "CO",
};

/** What was done to the typed input to reach the canonical form the provider receives. */
export type Normalisation = "TRIMMED" | "SEPARATORS_REMOVED" | "LOWER_CASED" | "UPPER_CASED" | "COUNTRY_CODE_REMOVED";

export interface PaymentKey {
  readonly type: KeyType;
  readonly country: KeyCountry;
  /** Canonical form: the only form ever sent to a provider. */
  readonly value: string;
  readonly normalised: boolean;
  readonly normalisations: readonly Normalisation[];
}

export type KeyRule =
  | "EMPTY"
  | "UNRECOGNISED"
  | "COUNTRY_MISMATCH"
  | "PHONE_COUNTRY_UNSUPPORTED"
  | "CPF_LENGTH"
  | "CPF_DIGITS"
  | "CPF_REPEATED_DIGITS"
  | "CPF_CHECK_DIGIT_1"
  | "CPF_CHECK_DIGIT_2"
  | "CNPJ_LENGTH"
  | "CNPJ_CHARSET"
  | "CNPJ_CHECK_DIGITS_NOT_NUMERIC"
  | "CNPJ_REPEATED_CHARS"
  | "CNPJ_CHECK_DIGIT_1"
  | "CNPJ_CHECK_DIGIT_2"
  | "EMAIL_TOO_LONG"
  | "EMAIL_FORMAT"
  | "PHONE_PLUS_PREFIX"
  | "PHONE_CHARSET"
  | "PHONE_COUNTRY_CODE"
  | "PHONE_BR_AREA_CODE"
  | "PHONE_BR_NUMBER"
  | "PHONE_PE_NUMBER"
  | "EVP_FORMAT"
  | "EVP_VERSION"
  | "EVP_VARIANT"
  | "CCI_LENGTH"
  | "CCI_DIGITS"
  | "CCI_CHECK_DIGIT_1"
  | "CCI_CHECK_DIGIT_2"
  | "BREB_PREFIX"
  | "BREB_CHARSET"
  | "BREB_LENGTH"
  | "BREB_ID_DIGITS"
  | "BREB_PHONE_NUMBER"
  | "BREB_DOCUMENT_FORMAT";

export interface KeyError {
  readonly rule: KeyRule;
  /** The key type the input was judged as, when one was stated or detected. */
  readonly type: KeyType | null;
  readonly message: string;
}

export type KeyResult = Result<PaymentKey, KeyError>;

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

export function keyError(type: KeyType | null, rule: KeyRule, message: string): { readonly ok: false; readonly error: KeyError } {
  return err({ rule, type, message });
}

export function validKey(type: KeyType, value: string, normalisations: readonly Normalisation[]): KeyResult {
  return ok({ type, country: KEY_COUNTRY[type], value, normalised: normalisations.length > 0, normalisations });
}

/**
 * Tracks the normalisations applied to an input, so each validator states
 * honestly what it changed instead of reporting a blanket "normalised".
 */
export class Canonicaliser {
  private readonly applied = new Set<Normalisation>();
  private current: string;

  constructor(input: string) {
    this.current = input;
    this.apply("TRIMMED", (s) => s.trim());
  }

  get value(): string {
    return this.current;
  }

  get normalisations(): readonly Normalisation[] {
    return [...this.applied];
  }

  apply(kind: Normalisation, transform: (s: string) => string): this {
    const next = transform(this.current);
    if (next !== this.current) {
      this.current = next;
      this.applied.add(kind);
    }
    return this;
  }
}
