import type { OrderStatus } from "@riel/rails";
import { isOrderStatus } from "@riel/rails";
import type { InitiatePayment } from "@riel/schemas";
import { JsonDecimal } from "./json.js";
import type { DepayResponse } from "./client.js";
import type { OpenAmountCallback, PreviewCallback, StatusCallback } from "./types.js";
import { errorBodySchema, openAmountCallbackSchema, payResponseSchema, previewCallbackSchema, previewResponseSchema, statusCallbackSchema } from "./types.js";

/** Depay's order statuses are the rails' order statuses; anything else is "not supported", never success. */
export function mapStatus(status: string): OrderStatus | "UNSUPPORTED" {
  return isOrderStatus(status) ? status : "UNSUPPORTED";
}

export const paths = {
  validateKey: "/v2/payments/validations/dictkey",
  previewKey: "/v2/payments/previews/dictkey",
  pay: "/v2/payments",
  status: (orderId: string) => `/v2/payments/${encodeURIComponent(orderId)}/status`,
} as const;

/** Idempotency keys derived from the payment and the step, so a redelivered command repeats none. */
export const idempotencyKeys = {
  validate: (paymentId: string) => `${paymentId}:validate`,
  preview: (paymentId: string) => `${paymentId}:preview`,
  pay: (paymentId: string) => `${paymentId}:pay`,
} as const;

export function toValidateRequest(cmd: InitiatePayment): unknown {
  return { dict_key: cmd.payeeKey };
}

/**
 * Our payment id travels as Depay's external_reference: callbacks carry it back, and it is
 * unique per payment, where upstream's own reference need not be.
 */
export function toPreviewRequest(cmd: InitiatePayment, notificationUrl: string): unknown {
  return {
    dict_key: cmd.payeeKey,
    amount: new JsonDecimal(cmd.amount.amount),
    external_reference: cmd.envelope.paymentId,
    notification_url: notificationUrl,
    user: {
      full_name: cmd.payer.fullName,
      currency: cmd.payer.currency,
      account_number: cmd.payer.accountNumber,
      tax_id: cmd.payer.taxId,
    },
  };
}

export function toPayRequest(orderId: string, decision: "ACCEPT" | "REJECT", notificationUrl: string): unknown {
  return { order_id: orderId, status: decision === "ACCEPT" ? "accepted" : "rejected", notification_url: notificationUrl };
}

export type StepOutcome =
  | { readonly kind: "OK"; readonly status?: string }
  | { readonly kind: "REFUSED"; readonly code: string; readonly reason: string; readonly httpStatus: number }
  | { readonly kind: "CONFLICT"; readonly reason: string };

function messages(body: unknown): string[] {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success || parsed.data.message === undefined) return [];
  return Array.isArray(parsed.data.message) ? parsed.data.message : [parsed.data.message];
}

/** A 4xx answer as a refusal with a stable code; INVALID_DICT_KEY and format errors are Depay's own words. */
function refusal(res: DepayResponse): StepOutcome {
  const text = messages(res.body);
  if (res.status === 409) return { kind: "CONFLICT", reason: text.join("; ") || "Conflict error" };
  const code = text.includes("INVALID_DICT_KEY")
    ? "INVALID_DICT_KEY"
    : text.some((m) => m.startsWith("dict_key invalid format"))
      ? "INVALID_KEY_FORMAT"
      : res.status === 401 || res.status === 403
        ? "PROVIDER_AUTH"
        : res.status === 404
          ? "ORDER_NOT_FOUND"
          : "PROVIDER_BAD_REQUEST";
  return { kind: "REFUSED", code, reason: text.join("; ") || `HTTP ${res.status}`, httpStatus: res.status };
}

export function interpretValidation(res: DepayResponse): StepOutcome {
  return res.status >= 200 && res.status < 300 ? { kind: "OK" } : refusal(res);
}

export function interpretPreview(res: DepayResponse): StepOutcome {
  if (res.status >= 200 && res.status < 300) {
    const parsed = previewResponseSchema.safeParse(res.body);
    if (parsed.success && parsed.data.status.toLowerCase() === "success") return { kind: "OK" };
    return { kind: "REFUSED", code: "PREVIEW_NOT_ACCEPTED", reason: parsed.success ? parsed.data.message ?? parsed.data.status : "unreadable preview answer", httpStatus: res.status };
  }
  return refusal(res);
}

export function interpretPay(res: DepayResponse): StepOutcome {
  if (res.status >= 200 && res.status < 300) {
    const parsed = payResponseSchema.safeParse(res.body);
    return parsed.success ? { kind: "OK", status: parsed.data.status } : { kind: "OK" };
  }
  return refusal(res);
}

export type DepayCallback =
  | { readonly kind: "PREVIEW"; readonly body: PreviewCallback }
  | { readonly kind: "OPEN_AMOUNT_PREVIEW"; readonly body: OpenAmountCallback }
  | { readonly kind: "STATUS"; readonly body: StatusCallback }
  | { readonly kind: "INVALID"; readonly errors: readonly string[] };

/** Tells Depay's callback shapes apart and validates the one it is. */
export function parseCallback(body: unknown): DepayCallback {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "INVALID", errors: ["body: must be a JSON object"] };
  const issues = (r: { error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } }): string[] =>
    r.error.issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`);
  if ("order" in body) {
    const r = previewCallbackSchema.safeParse(body);
    return r.success ? { kind: "PREVIEW", body: r.data } : { kind: "INVALID", errors: issues(r) };
  }
  if ("order_status" in body) {
    const r = openAmountCallbackSchema.safeParse(body);
    return r.success ? { kind: "OPEN_AMOUNT_PREVIEW", body: r.data } : { kind: "INVALID", errors: issues(r) };
  }
  const r = statusCallbackSchema.safeParse(body);
  return r.success ? { kind: "STATUS", body: r.data } : { kind: "INVALID", errors: issues(r) };
}
