import type { ProviderReport, StepResult } from "@riel/provider-port";
import type { PaymentStatus } from "@riel/rails";
import { formatAmount, isCurrencyCode, isOrderStatus, parseAmount } from "@riel/rails";
import type { Collector, InitiatePayment, Money, PayeeWallet } from "@riel/schemas";
import type { DepayResponse } from "./client.js";
import { JsonDecimal, providerReport } from "@riel/provider-port";
import type { OpenAmountCallback, PreviewCallback, StatusCallback } from "./types.js";
import { errorBodySchema, payResponseSchema, previewResponseSchema, refundResponseSchema, statusResponseSchema } from "./types.js";

/**
 * Depay's order statuses are Riel's lifecycle statuses by name. Anything else is "not
 * supported", never success.
 */
export function mapStatus(status: string): PaymentStatus | "UNSUPPORTED" {
  return isOrderStatus(status) ? status : "UNSUPPORTED";
}

export const paths = {
  validateKey: "/v2/payments/validations/dictkey",
  previewKey: "/v2/payments/previews/dictkey",
  previewPeru: "/v2/payments/previews/dictkey/peru",
  previewQr: "/v2/payments/previews",
  pay: "/v2/payments",
  // Documented as a query parameter, served as a path parameter (README gap 8).
  status: (orderId: string) => `/v2/payments/${encodeURIComponent(orderId)}/status`,
  // Not documented (README gap 1): Riel's choice, the one line to change when Depay answers (docs/decisions.md).
  refund: (orderId: string) => `/v2/payments/${encodeURIComponent(orderId)}/refunds`,
} as const;

/** Idempotency keys derived from the payment and the step, so a redelivered command repeats no effect. */
export const idempotencyKeys = {
  validate: (paymentId: string) => `${paymentId}:validate`,
  /** Attempt 1 is the connector's; a later one is reconciliation's new preview (a new order). */
  preview: (paymentId: string, attempt = 1) => (attempt <= 1 ? `${paymentId}:preview` : `${paymentId}:preview:${attempt}`),
  amount: (paymentId: string, requestId: string) => `${paymentId}:amount:${requestId}`,
  pay: (paymentId: string) => `${paymentId}:pay`,
  refund: (paymentId: string, refundId: string) => `${paymentId}:refund:${refundId}`,
} as const;

/**
 * Bre-B lookups must name Colombia: the documents' default `local_country` is BR, which would
 * look the key up in Brazil's directory (README gap 5).
 */
export const BREB_LOCAL_COUNTRY = "CO";

/**
 * The payer's tax id type of a Peru preview. The document lists Argentine types (DNI, CUIT, CUIL:
 * README gap 4); Riel takes Peru's own and sends them by these names (docs/decisions.md).
 */
export const PERU_TAX_ID_TYPES: Readonly<Record<string, string>> = { DNI: "DNI", CE: "CE", RUC: "RUC", PASSPORT: "PASSPORT" };

/**
 * Depay writes amounts as JSON numbers and as "7.0000" strings (README gap 8). They are read as
 * exact text and brought to the currency's minor units when no digit is lost; otherwise left
 * out rather than rounded.
 */
export function moneyOf(amount: string | null | undefined, currency: string | null | undefined): Money | null {
  if (amount == null || !currency || !isCurrencyCode(currency)) return null;
  // Trailing zeros only from where their run starts: /0+$/ alone retries every zero of a long run
  // that is not at the end ("1.000…0001"), quadratic time on a provider's 60 KB amount.
  const trimmed = amount.includes(".") ? amount.replace(/(?<!0)0+$/, "").replace(/\.$/, "") : amount;
  const parsed = parseAmount(trimmed, currency);
  return parsed.ok ? { amount: formatAmount(parsed.value), currency } : null;
}

const user = (cmd: InitiatePayment) => ({
  full_name: cmd.payer.fullName,
  currency: cmd.payer.currency,
  account_number: cmd.payer.accountNumber,
  tax_id: cmd.payer.taxId,
});

/** The calls that start a payment at Depay, by the command's details: one place for each method's wire shape. */
export type InitiateCall = { readonly path: string; readonly body: unknown; readonly idempotencyKey: string; readonly stage: string };

/**
 * Our payment id travels as Depay's external_reference: callbacks carry it back, and it is
 * unique per payment, where upstream's own reference need not be.
 */
export function initiateCalls(cmd: InitiatePayment, notificationUrl: string, attempt = 1): readonly InitiateCall[] | null {
  const { paymentId } = cmd.envelope;
  const details = cmd.details;
  if (details !== null && "riel.PeruKeyDetails" in details && cmd.amount !== null) {
    const taxIdType = cmd.payer.taxIdType === null ? undefined : PERU_TAX_ID_TYPES[cmd.payer.taxIdType];
    if (taxIdType === undefined) return null;
    return [
      {
        stage: "PREVIEW",
        path: paths.previewPeru,
        body: {
          dict_key: details["riel.PeruKeyDetails"].payeeKey,
          amount: new JsonDecimal(cmd.amount.amount),
          external_reference: paymentId,
          notification_url: notificationUrl,
          user: { ...user(cmd), tax_id_type: taxIdType },
        },
        idempotencyKey: idempotencyKeys.preview(paymentId, attempt),
      },
    ];
  }
  if (details !== null && "riel.BrebKeyDetails" in details && cmd.amount !== null) {
    const key = details["riel.BrebKeyDetails"].payeeKey;
    return [
      { stage: "KEY_VALIDATION", path: paths.validateKey, body: { dict_key: key, local_country: BREB_LOCAL_COUNTRY }, idempotencyKey: idempotencyKeys.validate(paymentId) },
      {
        stage: "PREVIEW",
        path: paths.previewKey,
        body: { dict_key: key, amount: new JsonDecimal(cmd.amount.amount), external_reference: paymentId, notification_url: notificationUrl, local_country: BREB_LOCAL_COUNTRY, user: user(cmd) },
        idempotencyKey: idempotencyKeys.preview(paymentId, attempt),
      },
    ];
  }
  const pixKey = details === null ? cmd.payeeKey : "riel.PixKeyDetails" in details ? details["riel.PixKeyDetails"].payeeKey : null;
  if (pixKey !== null && cmd.amount !== null) {
    return [
      { stage: "KEY_VALIDATION", path: paths.validateKey, body: { dict_key: pixKey }, idempotencyKey: idempotencyKeys.validate(paymentId) },
      {
        stage: "PREVIEW",
        path: paths.previewKey,
        body: { dict_key: pixKey, amount: new JsonDecimal(cmd.amount.amount), external_reference: paymentId, notification_url: notificationUrl, user: user(cmd) },
        idempotencyKey: idempotencyKeys.preview(paymentId, attempt),
      },
    ];
  }
  if (details !== null && "riel.EmvQrDetails" in details) {
    return [
      {
        stage: "PREVIEW",
        path: paths.previewQr,
        body: { qr: details["riel.EmvQrDetails"].qr, external_reference: paymentId, notification_url: notificationUrl, user: user(cmd) },
        idempotencyKey: idempotencyKeys.preview(paymentId, attempt),
      },
    ];
  }
  return null;
}

export function toAmountRequest(orderId: string, amount: Money): unknown {
  return { order_id: orderId, amount: new JsonDecimal(amount.amount) };
}

export function toPayRequest(orderId: string, decision: "ACCEPT" | "REJECT", notificationUrl: string, walletId: string | null): unknown {
  const body = { order_id: orderId, status: decision === "ACCEPT" ? "accepted" : "rejected", notification_url: notificationUrl };
  return walletId === null ? body : { ...body, wallet_id: walletId };
}

export function toRefundRequest(amount: Money): unknown {
  return { amount: new JsonDecimal(amount.amount) };
}

function messages(body: unknown): string[] {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success || parsed.data.message === undefined) return [];
  return Array.isArray(parsed.data.message) ? parsed.data.message : [parsed.data.message];
}

/** A 4xx answer as a refusal with a stable code; INVALID_DICT_KEY and format errors are Depay's own words. */
export function refusal(res: DepayResponse): StepResult {
  const text = messages(res.body);
  if (res.status === 409) return { kind: "CONFLICT", reason: text.join("; ") || "Conflict error" };
  const code = text.includes("INVALID_DICT_KEY")
    ? "INVALID_DICT_KEY"
    : text.some((m) => m.startsWith("dict_key invalid format"))
      ? "INVALID_KEY_FORMAT"
      : text.some((m) => /^qr\b/i.test(m))
        ? "INVALID_QR"
        : res.status === 401 || res.status === 403
          ? "PROVIDER_AUTH"
          : res.status === 404
            ? "ORDER_NOT_FOUND"
            : "PROVIDER_BAD_REQUEST";
  return { kind: "REFUSED", code, reason: text.join("; ") || `HTTP ${res.status}`, retryable: false };
}

const ok2xx = (res: DepayResponse): boolean => res.status >= 200 && res.status < 300;
const done = (reports: readonly ProviderReport[] = []): StepResult => ({ kind: "OK", reports });

export function interpretValidation(res: DepayResponse): StepResult {
  return ok2xx(res) ? done() : refusal(res);
}

/** Preview answers: "success" (closed amount, keys) or "missing_amount" (open-amount QR) both mean a callback follows. */
export function interpretPreview(res: DepayResponse): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = previewResponseSchema.safeParse(res.body);
  const status = parsed.success ? parsed.data.status.toLowerCase() : "";
  if (status === "success" || status === "missing_amount") return done();
  return { kind: "REFUSED", code: "PREVIEW_NOT_ACCEPTED", reason: parsed.success ? (parsed.data.message ?? parsed.data.status) : "unreadable preview answer", retryable: false };
}

export function interpretAmount(res: DepayResponse): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = previewResponseSchema.safeParse(res.body);
  if (parsed.success && parsed.data.status.toLowerCase() === "success") return done();
  return { kind: "REFUSED", code: "AMOUNT_NOT_ACCEPTED", reason: parsed.success ? (parsed.data.message ?? parsed.data.status) : "unreadable amount answer", retryable: false };
}

const report = (r: Partial<ProviderReport> & Pick<ProviderReport, "providerStatus" | "fact">): ProviderReport => providerReport({ status: mapStatus(r.providerStatus), ...r });

export function interpretPay(res: DepayResponse, orderId: string, decision: "ACCEPT" | "REJECT"): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = payResponseSchema.safeParse(res.body);
  // Only an accept's answer is worth a report (PROCESSING, sometimes final already); a reject's callback says CANCELED.
  if (!parsed.success || decision === "REJECT") return done();
  return done([report({ providerOrderId: orderId, providerStatus: parsed.data.status, fact: ["pay", orderId, parsed.data.status] })]);
}

/**
 * The answer to Riel's refund call (README gap 1): the refund is under way and its outcome comes
 * by callback. The report names the refund, so the payment's view shows it PROCESSING.
 */
export function interpretRefund(res: DepayResponse, orderId: string, amount: Money, refundId: string): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = refundResponseSchema.safeParse(res.body);
  const status = parsed.success ? parsed.data.status : "PROCESSING";
  return done([report({ providerOrderId: orderId, providerStatus: status, status: "PROCESSING", refundId, refundAmount: amount, fact: ["refund", orderId, refundId, status] })]);
}

export function interpretStatus(res: DepayResponse): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = statusResponseSchema.safeParse(res.body);
  if (!parsed.success) return { kind: "REFUSED", code: "PROVIDER_BAD_ANSWER", reason: "unreadable status answer", retryable: true };
  const b = parsed.data;
  return done([
    report({
      providerOrderId: b.id,
      providerStatus: b.status,
      amount: moneyOf(b.local_amount, b.local_currency),
      userAmount: moneyOf(b.user_amount, b.user_currency),
      fact: ["status", b.id, b.status, b.update_date ?? ""],
    }),
  ]);
}

const collectorOf = (c: { name: string; identification_number: string; branch_office?: string | null } | undefined): Collector | null =>
  c ? { name: c.name, identificationNumber: c.identification_number, branchOffice: c.branch_office ?? null } : null;

/** The nested-order preview (keys, closed-amount QR, open-amount QR once its amount is in). */
export function previewReport(b: PreviewCallback): ProviderReport {
  const { order } = b;
  return report({
    providerOrderId: order.id,
    providerStatus: order.status,
    amount: moneyOf(order.local_total_amount, order.local_currency),
    userAmount: moneyOf(order.user_total_amount, order.user_currency),
    collector: collectorOf(b.collector),
    wallets: b.wallets ? b.wallets.map(walletOf) : null,
    fact: ["preview", order.id, order.status, order.local_total_amount ?? ""],
  });
}

const walletOf = (w: NonNullable<PreviewCallback["wallets"]>[number]): PayeeWallet => ({
  id: w.id.toLowerCase(),
  brand: w.brand,
  mobile: w.mobile,
  present: w.present,
  directory: w.directory,
  participantCode: w.participant_code,
});

/** The flat preview of an open-amount QR (WAITING_AMOUNT) or of Argentina's PROCESS_LATER (README gap 6). */
export function openPreviewReport(b: OpenAmountCallback): ProviderReport {
  return report({
    providerOrderId: b.order_id,
    providerStatus: b.order_status,
    collector: collectorOf(b.collector),
    fact: ["preview", b.order_id, b.order_status, ""],
  });
}

/**
 * Payment and refund status callbacks. Only refund notifications carry `amount` and `currency`
 * (that refund's amount): REFUNDED and PARTIALLY_REFUNDED say it was made, REJECTED or FAILED with
 * an amount that it was not. The projector tells a refused refund from a refused payment by the
 * payment's own status (a paid payment's REJECTED can only be a refund's).
 */
export function statusReport(b: StatusCallback): ProviderReport {
  const refund = ["REFUNDED", "PARTIALLY_REFUNDED", "REJECTED", "FAILED"].includes(b.status) ? moneyOf(b.amount, b.currency) : null;
  return report({
    providerOrderId: b.order_id,
    providerStatus: b.status,
    refundAmount: refund,
    reason: b.error_code ?? null,
    fact: ["status", b.order_id, b.status, b.date ?? "", b.amount ?? ""],
  });
}
