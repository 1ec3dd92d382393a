import { z } from "zod";
import type { Money } from "@riel/schemas";
import type { Parsed } from "./errors.js";
import { fieldErrors } from "./errors.js";
import { moneySchema } from "./common.js";

const confirmSchema = z.strictObject({
  decision: z.enum(["ACCEPT", "REJECT"], { error: "must be ACCEPT or REJECT" }),
});

export type Decision = z.infer<typeof confirmSchema>["decision"];

export function parseConfirm(body: unknown): Parsed<{ decision: Decision }> {
  const shape = confirmSchema.safeParse(body);
  return shape.success ? { ok: true, value: shape.data } : { ok: false, errors: fieldErrors(shape.error.issues) };
}

const amountSchema = z.strictObject({ amount: moneySchema });

/** The body of POST /v1/payments/{id}/amount; the method's rules check it against the payment next. */
export function parseAmountRequest(body: unknown): Parsed<{ amount: Money }> {
  const shape = amountSchema.safeParse(body);
  return shape.success ? { ok: true, value: shape.data } : { ok: false, errors: fieldErrors(shape.error.issues) };
}
