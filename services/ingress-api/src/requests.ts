import { z } from "zod";
import type { FieldError, Parsed } from "@riel/runtime";
import { fieldErrors } from "@riel/runtime";

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
