// The sandbox's own, deliberately small, reading of the documented key formats.
// It mimics the provider; it does not share the project's rules library.

export type DictKeyType = "CPF" | "CNPJ" | "EMAIL" | "PHONE" | "EVP";

const CPF = /^\d{11}$/;
const CNPJ = /^\d{14}$/;
const PHONE = /^\+55\d{10,11}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const EMAIL_MAX_LENGTH = 77;
const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function classifyDictKey(key: string): DictKeyType | undefined {
  if (CPF.test(key)) return isValidCpf(key) ? "CPF" : undefined;
  if (CNPJ.test(key)) return isValidCnpj(key) ? "CNPJ" : undefined;
  if (PHONE.test(key)) return "PHONE";
  if (key.length <= EMAIL_MAX_LENGTH && EMAIL.test(key)) return "EMAIL";
  if (EVP.test(key)) return "EVP";
  return undefined;
}

function digitsOf(text: string): number[] {
  return Array.from(text, Number);
}

function allSame(text: string): boolean {
  return /^(\d)\1*$/.test(text);
}

function checkDigit(digits: readonly number[], weights: readonly number[]): number {
  const sum = weights.reduce((acc, weight, i) => acc + weight * (digits[i] ?? 0), 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

export function isValidCpf(cpf: string): boolean {
  if (!CPF.test(cpf) || allSame(cpf)) return false;
  const d = digitsOf(cpf);
  const first = checkDigit(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = checkDigit(d, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return d[9] === first && d[10] === second;
}

export function isValidCnpj(cnpj: string): boolean {
  if (!CNPJ.test(cnpj) || allSame(cnpj)) return false;
  const d = digitsOf(cnpj);
  const first = checkDigit(d, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = checkDigit(d, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return d[12] === first && d[13] === second;
}
