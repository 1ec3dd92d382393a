// Peru keys as the sandbox reads them: a CCI (Código de Cuenta
// Interbancario, 20 digits) with valid check digits, or a Peruvian mobile
// number. Self-contained, like the Pix key formats.

export type PeruKeyType = "CCI" | "PHONE";

const CCI = /^\d{20}$/;
/** +51 and a 9-digit mobile number; Peruvian mobiles start with 9. */
const PHONE = /^\+519\d{8}$/;

export function classifyPeruKey(key: string): PeruKeyType | undefined {
  if (CCI.test(key)) return isValidCci(key) ? "CCI" : undefined;
  if (PHONE.test(key)) return "PHONE";
  return undefined;
}

/**
 * One CCI check digit: weights 1, 2, 1, 2... from the left, the digits of
 * each product summed (16 counts 7), check = (10 - sum % 10) % 10.
 */
export function cciCheckDigit(digits: string): number {
  let sum = 0;
  Array.from(digits, Number).forEach((digit, i) => {
    const product = digit * (i % 2 === 0 ? 1 : 2);
    sum += product >= 10 ? product - 9 : product;
  });
  return (10 - (sum % 10)) % 10;
}

/** bank (3) + branch (3) + account (12) + check digits: the first over bank and branch, the second over the account. */
export function isValidCci(cci: string): boolean {
  if (!CCI.test(cci)) return false;
  return Number(cci[18]) === cciCheckDigit(cci.slice(0, 6)) && Number(cci[19]) === cciCheckDigit(cci.slice(6, 18));
}
