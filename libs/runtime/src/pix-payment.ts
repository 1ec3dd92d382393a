import { detectKey, formatAmount, parseAmount } from "@riel/rails";
import type { Money } from "@riel/schemas";
import type { FieldError } from "./problem.js";

export type PixCheck =
  | { readonly ok: true; readonly payeeKey: string; readonly keyType: string; readonly normalised: boolean; readonly amount: Money }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * The rails' rules for a Pix key payment, shared by the ingress (before anything is
 * published) and the connector (for commands published straight to Kafka).
 */
export function checkPixPayment(input: { readonly payeeKey: string; readonly amount: Money }): PixCheck {
  const errors: FieldError[] = [];
  const detection = detectKey(input.payeeKey, "BR");
  let key: { value: string; type: string; normalised: boolean } | null = null;
  switch (detection.kind) {
    case "DETECTED":
      if (detection.key.type.startsWith("PIX_")) key = detection.key;
      else errors.push({ field: "payeeKey", rule: "must be a Pix DICT key (CPF, CNPJ, email, +55 phone or EVP)" });
      break;
    case "AMBIGUOUS":
      errors.push({ field: "payeeKey", rule: `AMBIGUOUS: ${detection.message}` });
      break;
    case "INVALID":
      errors.push({ field: "payeeKey", rule: `${detection.error.rule}: ${detection.error.message}` });
      break;
    default: {
      const never: never = detection;
      return never;
    }
  }
  if (input.amount.currency !== "BRL") errors.push({ field: "amount.currency", rule: "must be BRL: Pix pays in Brazilian reais" });
  const amount = parseAmount(input.amount.amount, "BRL");
  if (!amount.ok) errors.push({ field: "amount.amount", rule: `${amount.error.rule}: ${amount.error.message}` });
  else if (amount.value.minor <= 0n) errors.push({ field: "amount.amount", rule: "must be greater than zero" });
  if (errors.length > 0 || !key || !amount.ok) return { ok: false, errors };
  return { ok: true, payeeKey: key.value, keyType: key.type, normalised: key.normalised, amount: { amount: formatAmount(amount.value), currency: "BRL" } };
}
