import { detectKey, formatAmount, parseAmount } from "@riel/rails";
import { z } from "zod";
import type { Money, Payer } from "@riel/schemas";
import type { FieldError } from "./problem.js";
import { fieldErrors } from "./problem.js";

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

const METHODS = ["PIX_KEY"] as const;
const text = (max: number) => z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const createSchema = z.strictObject({
  method: z.enum(METHODS, { error: `must be one of: ${METHODS.join(", ")}` }),
  payeeKey: text(200),
  amount: z.strictObject({
    amount: z.string({ error: 'must be a decimal string such as "10.50" (numbers would lose cents to binary floats)' }),
    currency: z.string({ error: "must be an ISO 4217 code" }).regex(/^[A-Z]{3}$/, "must be an ISO 4217 alphabetic code such as BRL"),
  }),
  payer: z.strictObject({
    fullName: text(200),
    currency: z.string({ error: "must be an ISO 4217 code" }).regex(/^[A-Z]{3}$/, "must be an ISO 4217 alphabetic code such as BRL"),
    accountNumber: text(50),
    taxId: text(50),
  }),
  externalReference: text(100),
});

export interface CreatePayment {
  readonly method: "PIX_KEY";
  readonly payeeKey: string;
  readonly keyType: string;
  readonly amount: Money;
  readonly payer: Payer;
  readonly externalReference: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * A Pix key payment request, shape first (zod), then the rails' rules: the ingress checks an
 * HTTP body with it, the connector a command published straight to Kafka.
 */
export function parsePixPayment(body: unknown): Parsed<CreatePayment> {
  const shape = createSchema.safeParse(body);
  if (!shape.success) return { ok: false, errors: fieldErrors(shape.error.issues) };
  const b = shape.data;
  const rules = checkPixPayment({ payeeKey: b.payeeKey, amount: b.amount });
  if (!rules.ok) return { ok: false, errors: rules.errors };
  return {
    ok: true,
    value: { method: b.method, payeeKey: rules.payeeKey, keyType: rules.keyType, amount: rules.amount, payer: b.payer, externalReference: b.externalReference },
  };
}

