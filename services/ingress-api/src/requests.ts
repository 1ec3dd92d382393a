import { z } from "zod";
import type { FieldError } from "@riel/runtime";
import { checkPixPayment, fieldErrors } from "@riel/runtime";
import type { Money, Payer } from "@riel/schemas";

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

/** Shape first (zod), then the rails' rules: a Pix key of a valid form and an amount BRL can carry. */
export function parseCreatePayment(body: unknown): Parsed<CreatePayment> {
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

const confirmSchema = z.strictObject({
  decision: z.enum(["ACCEPT", "REJECT"], { error: "must be ACCEPT or REJECT" }),
});

export function parseConfirm(body: unknown): Parsed<{ decision: "ACCEPT" | "REJECT" }> {
  const shape = confirmSchema.safeParse(body);
  return shape.success ? { ok: true, value: shape.data } : { ok: false, errors: fieldErrors(shape.error.issues) };
}

/** Printable ASCII, 1 to 255 characters: what an Idempotency-Key header may hold. */
export function checkIdempotencyKey(value: string | undefined): FieldError | null {
  if (value === undefined || value === "") return { field: "header Idempotency-Key", rule: "is required" };
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) return { field: "header Idempotency-Key", rule: "must be 1 to 255 printable ASCII characters" };
  return null;
}
