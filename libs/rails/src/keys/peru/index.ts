import { cciCheckDigits } from "../../check-digits/index.js";
import { canonicalPhone } from "../pix/index.js";
import { Canonicaliser, keyError, validKey, type KeyResult } from "../types.js";

/**
 * CCI (Código de Cuenta Interbancario): bank 3, branch 3, account 12, check 2.
 * People copy it from bank apps as "002-193-001234567890-13", so dashes and
 * spaces are dropped (and reported as a normalisation).
 */
export function validateCci(raw: string): KeyResult {
  const input = new Canonicaliser(raw).apply("SEPARATORS_REMOVED", (s) => s.replace(/[\s-]/g, ""));
  const cci = input.value;
  if (cci.length !== 20) return keyError("PE_CCI", "CCI_LENGTH", `a CCI has 20 digits, this has ${cci.length} characters`);
  if (!/^\d{20}$/.test(cci)) return keyError("PE_CCI", "CCI_DIGITS", "a CCI has digits only");
  const [first, second] = cciCheckDigits(cci.slice(0, 6), cci.slice(6, 18));
  if (Number(cci[18]) !== first) {
    return keyError("PE_CCI", "CCI_CHECK_DIGIT_1", `CCI first check digit (bank and branch) should be ${first}`);
  }
  if (Number(cci[19]) !== second) {
    return keyError("PE_CCI", "CCI_CHECK_DIGIT_2", `CCI second check digit (account) should be ${second}`);
  }
  return validKey("PE_CCI", cci, input.normalisations);
}

/** Peruvian mobile numbers as Depay's Peru document shows them: "+51" and nine digits starting with 9. */
export function validatePeruPhone(raw: string): KeyResult {
  const { input, problem } = canonicalPhone(raw);
  if (problem === "PHONE_PLUS_PREFIX") {
    return keyError("PE_PHONE", problem, "Peruvian phone keys are international numbers with the '+': +51 and 9 digits");
  }
  if (problem === "PHONE_CHARSET") return keyError("PE_PHONE", problem, "a phone key has only digits after the '+'");
  const phone = input.value;
  if (!phone.startsWith("+51")) return keyError("PE_PHONE", "PHONE_COUNTRY_CODE", "a Peruvian phone key starts with +51");
  if (!/^9\d{8}$/.test(phone.slice(3))) {
    return keyError("PE_PHONE", "PHONE_PE_NUMBER", "after +51 a Peruvian phone key has a 9-digit mobile number starting with 9");
  }
  return validKey("PE_PHONE", phone, input.normalisations);
}
