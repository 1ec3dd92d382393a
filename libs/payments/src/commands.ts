import { z } from "zod";
import type { Money } from "@riel/schemas";
import type { Parsed } from "./errors.js";
import type { FieldError } from "./errors.js";
import { fieldErrors } from "./errors.js";
import { moneySchema } from "./common.js";
import { methodOf } from "./registry.js";
import type { StoredPayment } from "./view.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The body of POST /v1/payments/{id}/confirm (exported for the API reference). */
export const confirmSchema = z.strictObject({
  decision: z.enum(["ACCEPT", "REJECT"], { error: "must be ACCEPT or REJECT" }),
  walletId: z.string({ error: "must be a string" }).regex(UUID, "must be a wallet id (UUID) from the payment's wallets").nullish(),
});

export type Decision = z.infer<typeof confirmSchema>["decision"];

export function parseConfirm(body: unknown): Parsed<{ decision: Decision; walletId: string | null }> {
  const shape = confirmSchema.safeParse(body);
  return shape.success ? { ok: true, value: { decision: shape.data.decision, walletId: shape.data.walletId?.toLowerCase() ?? null } } : { ok: false, errors: fieldErrors(shape.error.issues) };
}

/**
 * The wallet rule of a decision, against the payment as it stands: a payment whose method needs a
 * wallet (Peru phone keys) is accepted only with one of the wallets its preview offered; any other
 * decision names none. Empty when the decision may go to the provider.
 */
export function checkDecision(stored: StoredPayment, decision: Decision, walletId: string | null): FieldError[] {
  const module = methodOf(stored.view.method);
  const needs = module !== undefined && stored.details !== null && module.needsWallet(stored.details);
  const offered = (stored.view.wallets ?? []).map((w) => w.id.toLowerCase());
  if (decision === "REJECT") return walletId === null ? [] : [{ field: "walletId", rule: "must be absent when rejecting" }];
  if (!needs) return walletId === null ? [] : [{ field: "walletId", rule: `must be absent: a ${stored.view.method} payment${stored.view.details.keyType ? ` to a ${String(stored.view.details.keyType)} key` : ""} is paid without choosing a wallet` }];
  if (walletId === null) {
    return [{ field: "walletId", rule: offered.length > 0 ? `is required: choose one of the payment's wallets (${offered.join(", ")})` : "is required, and the preview offered no wallet yet" }];
  }
  return offered.includes(walletId) ? [] : [{ field: "walletId", rule: `must be one of the wallets the preview offered: ${offered.join(", ") || "none"}` }];
}

export const amountSchema = z.strictObject({ amount: moneySchema });

/** The body of POST /v1/payments/{id}/amount; the method's rules check it against the payment next. */
export function parseAmountRequest(body: unknown): Parsed<{ amount: Money }> {
  const shape = amountSchema.safeParse(body);
  return shape.success ? { ok: true, value: shape.data } : { ok: false, errors: fieldErrors(shape.error.issues) };
}

export const refundSchema = z.strictObject({ amount: moneySchema.optional() });

/** The body of POST /v1/payments/{id}/refunds: an amount, or none for whatever is left. */
export function parseRefundRequest(body: unknown): Parsed<{ amount: Money | null }> {
  const shape = refundSchema.safeParse(body);
  return shape.success ? { ok: true, value: { amount: shape.data.amount ?? null } } : { ok: false, errors: fieldErrors(shape.error.issues) };
}
