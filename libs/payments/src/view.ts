import type { PaymentAction, PaymentStatus } from "@riel/rails";
import { allowedActions, isPaymentStatus, nextStep } from "@riel/rails";
import type { Collector, InitiatePayment, Money, PayeeWallet, PayerInstructions, StatusSource } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";
import type { MethodDetails, MethodView } from "./method.js";
import { methodOf } from "./registry.js";

export const REFUND_STATUSES = ["REQUESTED", "PROCESSING", "REFUNDED", "REJECTED"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** One refund of a payment. REQUESTED holds its amount against the paid amount until the provider answers. */
export interface RefundView {
  /** null for a refund the provider reported that Riel never asked for. */
  readonly refundId: string | null;
  readonly amount: Money;
  readonly status: RefundStatus;
  readonly reason: string | null;
  readonly requestedAt: string;
  readonly updatedAt: string;
}

export interface HistoryEntry {
  readonly status: string;
  readonly source: StatusSource;
  readonly at: string;
  readonly eventId: string;
  readonly reason: string | null;
}

/** Reconciliation asked the provider until its limit and the payment did not move: a person should look. */
export interface Attention {
  /** The status it is stuck in. */
  readonly status: string;
  /** When it entered that status. */
  readonly since: string;
  /** When reconciliation gave up. */
  readonly raisedAt: string;
  readonly checks: number;
  readonly reason: string;
}

/** A payment as `GET /v1/payments/{id}` shows it; the status projector is its one writer after creation. */
export interface PaymentView {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly final: boolean;
  readonly method: string;
  /** What the method adds: a Pix key's type; a QR code's country, currency, merchant and amount mode. */
  readonly details: MethodView;
  readonly externalReference: string;
  /** null while an open-amount payment waits for its amount. */
  readonly amount: Money | null;
  /** The payee's currency (the amount's, or the one an open amount will be in). */
  readonly currency: string;
  readonly provider: string;
  readonly providerOrderId: string | null;
  readonly collector: Collector | null;
  readonly localAmount: Money | null;
  readonly userAmount: Money | null;
  readonly refundedAmount: Money | null;
  /** Every refund asked for, in the order asked, with where each stands. */
  readonly refunds: readonly RefundView[];
  /** Payee wallets the preview offered (Peru phone keys): ACCEPT names one as `walletId`. */
  readonly wallets: readonly PayeeWallet[] | null;
  /** Pay-ins: what the payer needs (payment link, QR image, ticket, expiry). */
  readonly payerInstructions: PayerInstructions | null;
  readonly reason: string | null;
  /** Set when reconciliation gave up on the payment in this status (PaymentNeedsAttention); cleared when the status changes. */
  readonly attention: Attention | null;
  /** What upstream can do now, and in words. */
  readonly actions: readonly PaymentAction[];
  readonly nextStep: string;
  readonly history: readonly HistoryEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the projector keeps beside the view: event ids already applied, for dropping repeats. */
export interface StoredPayment {
  readonly view: PaymentView;
  readonly applied: readonly string[];
  /** The command's method details, for the connectors' checks of later commands; never shown. */
  readonly details: MethodDetails | null;
  /** Whether the projector has published this payment's RECEIVED (the ingress's first write has not). */
  readonly announced?: boolean;
  /** The rules library's order state, serialized by the projector; absent until it first ran. */
  readonly machine?: string;
  /**
   * The InitiatePayment (JSON) while the provider order is unknown: reconciliation asks for a new
   * preview with it when the preview's callback never came (the only carrier of Depay's order id).
   * It holds the payer's data, so the projector drops it as soon as the payment has an order.
   */
  readonly initiate?: string;
}

export async function readPayment(store: ProjectionStore, paymentId: string): Promise<{ version: number; payment: StoredPayment } | null> {
  const found = await store.read(paymentKey(paymentId));
  if (!found) return null;
  const payment = JSON.parse(found.value) as StoredPayment;
  // Views written before refunds, wallets and payer instructions existed lack them.
  const view: PaymentView = {
    ...payment.view,
    refunds: payment.view.refunds ?? [],
    wallets: payment.view.wallets ?? null,
    payerInstructions: payment.view.payerInstructions ?? null,
    attention: payment.view.attention ?? null,
  };
  return { version: found.version, payment: { ...payment, view } };
}

/** The projection id of a payment. */
export const paymentKey = (paymentId: string): string => `payment:${paymentId}`;

/** The tags a payment is listed under: what `GET /v1/payments` and the dashboard filter by, besides time and status. */
export const paymentTags = {
  externalReference: (reference: string): string => `ref:${reference}`,
  method: (method: string): string => `method:${method}`,
  provider: (provider: string): string => `provider:${provider}`,
} as const;

export async function writePayment(store: ProjectionStore, payment: StoredPayment, expectedVersion: number): ReturnType<ProjectionStore["write"]> {
  const { view } = payment;
  // Listed once, by the write that creates it (a rebuild's too): by when it was created, its external
  // reference, method and provider, none of which ever changes. Later writes list nothing.
  const at = Date.parse(view.createdAt);
  const index = expectedVersion === 0 ? { at: Number.isFinite(at) ? at : 0, tags: [paymentTags.externalReference(view.externalReference), paymentTags.method(view.method), paymentTags.provider(view.provider)] } : undefined;
  return store.write(paymentKey(view.paymentId), JSON.stringify(payment), expectedVersion, index);
}

/** The view with the actions and next step of its status filled in. */
export function withStatus(view: PaymentView, status: PaymentStatus): PaymentView {
  // A method its provider does not refund (pay-ins) never offers REFUND, whatever the status.
  const refundable = methodOf(view.method)?.refundable ?? true;
  const actions = allowedActions(status).filter((a) => refundable || a !== "REFUND");
  const next = !refundable && status === "COMPLETED" ? "nothing: paid" : nextStep(status);
  // Attention is about the status reconciliation gave up on: a move ends it.
  const attention = view.attention !== null && view.attention.status === status ? view.attention : null;
  return { ...view, status, actions, nextStep: next, attention };
}

/** A stored status as Riel's lifecycle status (views are written only by Riel, so anything else is a bug). */
export function statusOf(view: PaymentView): PaymentStatus {
  if (!isPaymentStatus(view.status)) throw new Error(`payment ${view.paymentId} holds unknown status ${view.status}`);
  return view.status;
}

/** The view of a payment Riel has accepted and not yet sent anywhere. */
export function initialView(cmd: InitiatePayment): StoredPayment {
  const at = cmd.envelope.occurredAt;
  const module = methodOf(cmd.method);
  const details = cmd.details;
  const currency = cmd.amount?.currency ?? (module && details ? module.currencyOf(details) : "");
  const view: PaymentView = withStatus(
    {
      paymentId: cmd.envelope.paymentId,
      status: "RECEIVED",
      final: false,
      method: cmd.method,
      details: module && details ? module.view(details) : {},
      externalReference: cmd.externalReference,
      amount: cmd.amount,
      currency,
      provider: module?.provider ?? "none",
      providerOrderId: null,
      collector: null,
      localAmount: null,
      userAmount: null,
      refundedAmount: null,
      refunds: [],
      wallets: null,
      payerInstructions: null,
      attention: null,
      reason: null,
      actions: [],
      nextStep: "",
      history: [{ status: "RECEIVED", source: "COMMAND", at, eventId: cmd.envelope.eventId, reason: null }],
      createdAt: at,
      updatedAt: at,
    },
    "RECEIVED",
  );
  // Details that are not the method's (or of no method), which only a command published straight to
  // Kafka can carry and its connector refuses, are not kept: no check reads them, and no method masks them.
  const kept = module && details && module.bodyOf(cmd) !== null ? module.atRest(details) : null;
  return { view, applied: [cmd.envelope.eventId], details: kept, initiate: JSON.stringify(cmd) };
}
