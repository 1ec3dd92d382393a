import type { Payer } from "@riel/schemas";
import { PERU_DOCUMENT_TYPES, validatePeruDocument } from "@riel/rails";
import type { FieldError } from "../errors.js";
import { defineKeyPayout } from "./key-payout.js";

/**
 * The payer's tax id of a Peru key payment: Depay's Peru preview needs `tax_id_type`, and lists
 * Argentine types (provider docs gap 4). Riel takes Peru's own (DNI, CE, RUC, PASSPORT), checks
 * the number against its type, and sends both (docs/decisions.md).
 */
function checkPeruPayer(payer: Payer): { errors: FieldError[]; payer: Payer } {
  if (payer.taxIdType === null) {
    return { errors: [{ field: "payer.taxIdType", rule: `is required for a Peru key payment: one of ${PERU_DOCUMENT_TYPES.join(", ")}` }], payer };
  }
  const checked = validatePeruDocument(payer.taxIdType, payer.taxId);
  if (!checked.ok) {
    const field = checked.error.rule === "DOCUMENT_TYPE" ? "payer.taxIdType" : "payer.taxId";
    return { errors: [{ field, rule: `${checked.error.rule}: ${checked.error.message}` }], payer };
  }
  return { errors: [], payer: { ...payer, taxId: checked.value } };
}

/** Peru: a pay-out to a CCI (20 digits, check digits verified) or a +51 mobile number, in PEN, through Depay. */
export const peruKey = defineKeyPayout({
  method: "PERU_KEY",
  summary: "Peru pay-out to a CCI (20 digits) or a +51 mobile number (the payee then picks a wallet), in PEN",
  country: "PE",
  currency: "PEN",
  branch: "riel.PeruKeyDetails",
  accepts: (type) => type === "PE_CCI" || type === "PE_PHONE",
  keyRule: "must be a CCI (20 digits) or a Peruvian mobile number (+51 and 9 digits)",
  currencyRule: "must be PEN: Peru keys are paid in soles",
  checkPayer: checkPeruPayer,
  // A phone number may reach several of the payee's wallets: the preview lists them, upstream picks one.
  needsWallet: (keyType) => keyType === "PE_PHONE",
});
