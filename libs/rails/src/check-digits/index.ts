/**
 * Check-digit arithmetic for the tax ids and account codes that serve as keys.
 * Inputs are assumed to be already shape-checked (right length and alphabet);
 * the key validators do that and name the rule when it fails.
 */

function mod11Digit(sum: number): number {
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** The two CPF check digits for its first nine digits. */
export function cpfCheckDigits(nineDigits: string): readonly [number, number] {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const first = mod11Digit(sum);
  sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (11 - i);
  sum += first * 2;
  return [first, mod11Digit(sum)];
}

const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * The two CNPJ check digits for its first twelve characters. Receita Federal's
 * alphanumeric CNPJ (issued from July 2026) takes each character's value as
 * its char code minus 48, so digits keep their value and A..Z become 17..42;
 * the same formula therefore serves the old all-digit CNPJs unchanged.
 */
export function cnpjCheckDigits(twelveChars: string): readonly [number, number] {
  const weighted = (chars: string, weights: readonly number[]): number =>
    weights.reduce((sum, weight, i) => sum + (chars.charCodeAt(i) - 48) * weight, 0);
  const first = mod11Digit(weighted(twelveChars, CNPJ_WEIGHTS_1));
  return [first, mod11Digit(weighted(`${twelveChars}${first}`, CNPJ_WEIGHTS_2))];
}

function cciGroupDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[i]) * (i % 2 === 0 ? 1 : 2);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The two check digits of a Peruvian CCI: the first covers bank+branch
 * (6 digits), the second the 12-digit account; each is a Luhn-style sum with
 * weights 1,2,1,2... from the left.
 */
export function cciCheckDigits(bankBranch: string, account: string): readonly [number, number] {
  return [cciGroupDigit(bankBranch), cciGroupDigit(account)];
}
