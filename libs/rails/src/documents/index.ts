import { err, ok, type Result } from "../result/index.js";

/**
 * Peruvian identity documents, as pay-ins (TumiPay's legal_doc_type) and Peru key payers
 * (Depay's tax_id_type) name them. One set of rules for both; each provider's library maps the
 * type names to its own wire words.
 *
 * - DNI (Documento Nacional de Identidad): 8 digits.
 * - RUC (Registro Único de Contribuyentes, SUNAT): 11 digits, starting 10, 15, 16, 17 or 20,
 *   the last a modulo-11 check digit over the first ten with weights 5,4,3,2,7,6,5,4,3,2.
 * - CE (Carné de Extranjería, Migraciones): 9 to 12 letters or digits.
 * - PASSPORT: 6 to 12 letters or digits.
 */
export const PERU_DOCUMENT_TYPES = ["DNI", "RUC", "CE", "PASSPORT"] as const;
export type PeruDocumentType = (typeof PERU_DOCUMENT_TYPES)[number];

export type DocumentRule = "DOCUMENT_TYPE" | "DNI_FORMAT" | "RUC_FORMAT" | "RUC_PREFIX" | "RUC_CHECK_DIGIT" | "CE_FORMAT" | "PASSPORT_FORMAT";

export interface DocumentError {
  readonly rule: DocumentRule;
  readonly message: string;
}

export function isPeruDocumentType(value: string): value is PeruDocumentType {
  return (PERU_DOCUMENT_TYPES as readonly string[]).includes(value);
}

const RUC_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** The RUC check digit of its first ten digits. */
export function rucCheckDigit(firstTen: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(firstTen[i]) * (RUC_WEIGHTS[i] ?? 0);
  const digit = 11 - (sum % 11);
  return digit === 10 ? 0 : digit === 11 ? 1 : digit;
}

/** A document number checked against its type's rules; the canonical form drops spaces and dashes and upper-cases letters. */
export function validatePeruDocument(type: string, raw: string): Result<string, DocumentError> {
  if (!isPeruDocumentType(type)) return err({ rule: "DOCUMENT_TYPE", message: `must be one of ${PERU_DOCUMENT_TYPES.join(", ")}` });
  const value = raw.replace(/[\s-]/g, "").toUpperCase();
  switch (type) {
    case "DNI":
      return /^\d{8}$/.test(value) ? ok(value) : err({ rule: "DNI_FORMAT", message: "a DNI has 8 digits" });
    case "RUC": {
      if (!/^\d{11}$/.test(value)) return err({ rule: "RUC_FORMAT", message: "a RUC has 11 digits" });
      if (!/^(10|15|16|17|20)/.test(value)) return err({ rule: "RUC_PREFIX", message: "a RUC starts with 10, 15, 16, 17 or 20" });
      const check = rucCheckDigit(value.slice(0, 10));
      return Number(value[10]) === check ? ok(value) : err({ rule: "RUC_CHECK_DIGIT", message: `the RUC check digit should be ${check}` });
    }
    case "CE":
      return /^[A-Z0-9]{9,12}$/.test(value) ? ok(value) : err({ rule: "CE_FORMAT", message: "a carné de extranjería has 9 to 12 letters or digits" });
    case "PASSPORT":
      return /^[A-Z0-9]{6,12}$/.test(value) ? ok(value) : err({ rule: "PASSPORT_FORMAT", message: "a passport number has 6 to 12 letters or digits" });
    default: {
      const never: never = type;
      return never;
    }
  }
}
