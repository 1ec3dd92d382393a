// Peruvian identity documents as the pay-in's customer_data.legal_doc_type
// names them. The sandbox's own small rules (it shares none with Riel):
// DNI 8 digits; RUC 11 digits whose last digit is SUNAT's mod-11 check digit;
// CE (carné de extranjería) 9 to 12 letters or digits; PPN (passport) 6 to 12.

export const LEGAL_DOC_TYPES = ["DNI", "RUC", "CE", "PPN"] as const;
export type LegalDocType = (typeof LEGAL_DOC_TYPES)[number];

export function isLegalDocType(value: string): value is LegalDocType {
  return (LEGAL_DOC_TYPES as readonly string[]).includes(value);
}

const RUC_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** SUNAT's check digit over the first ten digits: 11 - (weighted sum mod 11), where 10 gives 0 and 11 gives 1. */
export function rucCheckDigit(firstTen: string): number {
  let sum = 0;
  RUC_WEIGHTS.forEach((weight, i) => {
    sum += weight * Number(firstTen[i]);
  });
  return (11 - (sum % 11)) % 10;
}

/** The rule `legal_doc` breaks for its type, or undefined when it is well-formed. */
export function legalDocProblem(type: LegalDocType, doc: string): string | undefined {
  switch (type) {
    case "DNI":
      return /^\d{8}$/.test(doc) ? undefined : "must be 8 digits for DNI";
    case "RUC":
      if (!/^\d{11}$/.test(doc)) return "must be 11 digits for RUC";
      return rucCheckDigit(doc.slice(0, 10)) === Number(doc[10]) ? undefined : "must end with a valid RUC check digit";
    case "CE":
      return /^[A-Za-z0-9]{9,12}$/.test(doc) ? undefined : "must be 9 to 12 letters or digits for CE";
    case "PPN":
      return /^[A-Za-z0-9]{6,12}$/.test(doc) ? undefined : "must be 6 to 12 letters or digits for PPN";
    default: {
      const unreachable: never = type;
      throw new Error(`unknown legal_doc_type ${String(unreachable)}`);
    }
  }
}
