import { ORDER_STATUSES, canTransition, isFinalStatus, type OrderStatus } from "../order-state/index.js";

/**
 * Riel's payment lifecycle, in Riel's words: the provider's order statuses (mapped by each
 * provider's library) plus RECEIVED, Riel's own status before any provider order exists.
 * Which actions each status allows lives here and nowhere else: the ingress refuses what the
 * table refuses, and connectors re-check with it before calling a provider.
 */
export const PAYMENT_STATUSES = ["RECEIVED", ...ORDER_STATUSES] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What upstream can ask of a payment after creating it. */
export const PAYMENT_ACTIONS = ["ACCEPT", "REJECT", "SET_AMOUNT", "REFUND"] as const;
export type PaymentAction = (typeof PAYMENT_ACTIONS)[number];

const ALLOWED: Readonly<Record<PaymentStatus, readonly PaymentAction[]>> = {
  RECEIVED: [],
  // The payer enters the amount of an open-amount code, or walks away.
  WAITING_AMOUNT: ["SET_AMOUNT", "REJECT"],
  // The merchant (not the payer) enters the amount at their till; the payer can only walk away.
  PROCESS_LATER: ["REJECT"],
  CREATED: ["ACCEPT", "REJECT"],
  PROCESSING: [],
  COMPLETED: ["REFUND"],
  PARTIALLY_REFUNDED: ["REFUND"],
  CANCELED: [],
  REJECTED: [],
  FAILED: [],
  REFUNDED: [],
  // Pay-ins: the payer acts at the provider (link, QR, voucher); upstream only watches.
  AWAITING_PAYMENT: [],
  DECLINED: [],
  EXPIRED: [],
};

const NEXT: Readonly<Record<PaymentStatus, string>> = {
  RECEIVED: "wait: the provider is preparing the order (preview)",
  WAITING_AMOUNT: "send the amount the payer entered (POST /v1/payments/{id}/amount), or REJECT to cancel",
  PROCESS_LATER:
    "wait for the merchant to enter the amount at their till: the preview then arrives and the payment becomes CREATED; REJECT cancels; if the merchant never does, the provider expires the order and it ends CANCELED",
  CREATED: "ACCEPT to pay or REJECT to cancel (POST /v1/payments/{id}/confirm) before the preview expires",
  PROCESSING: "wait: the provider is paying",
  COMPLETED: "nothing: paid (refunds may follow)",
  PARTIALLY_REFUNDED: "nothing: partly refunded",
  CANCELED: "nothing: canceled, nothing was paid",
  REJECTED: "nothing: refused, nothing was paid",
  FAILED: "nothing: failed, nothing was paid",
  REFUNDED: "nothing: fully refunded",
  AWAITING_PAYMENT: "hand the payer the payment link, QR image or voucher (payerInstructions) and wait: the provider tells when they pay, or when their time runs out",
  DECLINED: "nothing: declined by the provider's rules, nothing was paid",
  EXPIRED: "nothing: the payer's time ran out, nothing was paid",
};

/**
 * How long a payment may sit in a status before Riel asks its provider where it is
 * (reconciliation), when no callback moved it on. Final statuses need no check; COMPLETED and
 * PARTIALLY_REFUNDED wait for refunds Riel asks for itself. A preview waits out the provider's
 * own expiry (Depay: 5 minutes) before Riel asks. Later checks back off from here.
 */
const CHECK_AFTER_MS: Readonly<Record<PaymentStatus, number | null>> = {
  RECEIVED: 60_000,
  WAITING_AMOUNT: 6 * 60_000,
  PROCESS_LATER: 6 * 60_000,
  CREATED: 6 * 60_000,
  PROCESSING: 30_000,
  AWAITING_PAYMENT: 15 * 60_000,
  COMPLETED: null,
  PARTIALLY_REFUNDED: null,
  CANCELED: null,
  REJECTED: null,
  FAILED: null,
  REFUNDED: null,
  DECLINED: null,
  EXPIRED: null,
};

/** Milliseconds a payment may stay in `status` before its provider is asked; null: never. `scale` shrinks them for tests. */
export function checkAfterMs(status: PaymentStatus, scale = 1): number | null {
  const ms = CHECK_AFTER_MS[status];
  return ms === null ? null : Math.max(1, Math.round(ms * scale));
}

export function isPaymentStatus(value: string): value is PaymentStatus {
  return (PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** Final: nothing more can happen to the payment. COMPLETED is not final, since refunds may follow. */
export function isFinalPaymentStatus(status: PaymentStatus): boolean {
  return status !== "RECEIVED" && isFinalStatus(status as OrderStatus);
}

export type Allowed = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether a payment in `status` takes `action`, and if not, why, in words for the caller. */
export function allows(status: PaymentStatus, action: PaymentAction): Allowed {
  if (ALLOWED[status].includes(action)) return { ok: true };
  const where = PAYMENT_STATUSES.filter((s) => ALLOWED[s].includes(action));
  return { ok: false, reason: `the payment is ${status}; ${action} is taken only when it is ${where.join(" or ")}` };
}

/** The actions a payment in `status` takes, for its view. */
export function allowedActions(status: PaymentStatus): readonly PaymentAction[] {
  return ALLOWED[status];
}

/** What upstream can do next, in a sentence, for the payment's view. */
export function nextStep(status: PaymentStatus): string {
  return NEXT[status];
}

/**
 * Whether a payment in `status` may still come to take `action` (a confirm that overtook its
 * preview): then a command is worth retrying; otherwise it will never be taken.
 */
export function mayAllowLater(status: PaymentStatus, action: PaymentAction): boolean {
  const from = status === "RECEIVED" ? null : status;
  return PAYMENT_STATUSES.some((s) => s !== "RECEIVED" && ALLOWED[s].includes(action) && canTransition(from, s));
}
