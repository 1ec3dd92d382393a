import type { PaymentStatus } from "@riel/rails";
import type { Collector, InitiatePayment, Money, PayeeWallet, PayerInstructions } from "@riel/schemas";

/**
 * What a provider said about a payment, in Riel's words. The provider's library maps its own
 * statuses here, once; the rest of Riel never sees them except as `providerStatus`, for audit.
 */
export interface ProviderReport {
  readonly providerOrderId: string | null;
  /** UNSUPPORTED when the provider's status has no mapping: never taken as success. */
  readonly status: PaymentStatus | "UNSUPPORTED";
  readonly providerStatus: string;
  /** The order amount in the payee's currency, when the report carries it. */
  readonly amount: Money | null;
  /** The same, converted to the payer's currency. */
  readonly userAmount: Money | null;
  /** Set on refund reports: this refund's amount. */
  readonly refundAmount: Money | null;
  readonly collector: Collector | null;
  /** The provider's error code or message. */
  readonly reason: string | null;
  /** The refund this report is about, when the provider's answer names it (a refund call's own answer). */
  readonly refundId: string | null;
  /** Payee wallets a preview offers (Depay, Peru phone keys); a confirm names one. */
  readonly wallets: readonly PayeeWallet[] | null;
  /** Pay-ins: what the payer needs (link, QR image, expiry). */
  readonly payerInstructions: PayerInstructions | null;
  /**
   * What makes this report one fact (order, status, date, amount...): the same fact told twice
   * gets the same event id, so repeats are dropped downstream.
   */
  readonly fact: readonly string[];
}

export type Operation = "initiate" | "setAmount" | "confirm" | "refund" | "queryStatus";

/**
 * The outcome of one flow step. Expected answers are values; a transport fault or a provider
 * outage is thrown as ProviderUnavailable, and the bus retries the command.
 */
export type StepResult =
  /** Done; the reports are what the provider's answer already told (the rest arrives by callback). */
  | { readonly kind: "OK"; readonly reports: readonly ProviderReport[] }
  /** The provider said no to this payment: it ends REJECTED, or FAILED when `retryable`. */
  | { readonly kind: "REFUSED"; readonly code: string; readonly reason: string; readonly retryable: boolean }
  /** The order is no longer in a state for this step (decided already, expired): its callbacks tell where it went. */
  | { readonly kind: "CONFLICT"; readonly reason: string }
  /** This provider does not offer the step. Never thrown. */
  | { readonly kind: "NOT_SUPPORTED"; readonly operation: Operation; readonly reason: string };

export const notSupported = (operation: Operation, reason: string): StepResult => ({ kind: "NOT_SUPPORTED", operation, reason });

/** A transport fault, a 5xx or a 429: nothing is known to have happened; retry the step. */
export class ProviderUnavailable extends Error {
  override readonly name = "ProviderUnavailable";
}

export type Feature =
  /** Pay-outs: the provider previews the payment and upstream confirms it (ACCEPT or REJECT). */
  | "CONFIRM"
  /** Pay-ins: the provider hands the payer a link, a QR image or a voucher, and tells the outcome. */
  | "PAYER_ACTS"
  /** The payer enters the amount after the preview (open-amount QR). */
  | "OPEN_AMOUNT"
  /** Argentina: the merchant enters the amount later. */
  | "PROCESS_LATER"
  /** A preview not confirmed in time ends CANCELED by callback. */
  | "PREVIEW_EXPIRY"
  /**
   * The order id comes only with the preview's callback. When that callback never comes, Riel
   * asks for a new preview (`initiate` with a higher attempt: a new idempotency key, so a new
   * order); previews move no money, and reports about any order but the payment's are ignored.
   */
  | "REPREVIEW"
  | "REFUND"
  | "PARTIAL_REFUND"
  | "STATUS_QUERY";

/** What a provider offers Riel. The connector contract suite runs what is declared and skips the rest with a reason. */
export interface Capabilities {
  /** PaymentMethod symbols it serves. */
  readonly methods: readonly string[];
  /** ISO 3166-1 alpha-2 countries it pays or collects in. */
  readonly countries: readonly string[];
  readonly features: readonly Feature[];
}

/** A payment whose provider order exists. */
export interface OrderRef {
  readonly paymentId: string;
  readonly providerOrderId: string;
  /** Where the provider should send this payment's callbacks. */
  readonly callbackUrl: string;
}

/**
 * The operations a payment provider offers Riel, one per flow step. A connector service runs one
 * of these; nothing outside the provider's library knows its paths, bodies or statuses.
 */
export interface ProviderPort {
  readonly name: string;
  readonly capabilities: Capabilities;
  /**
   * Starts the payment at the provider (validation, preview); the provider's answer by callback
   * follows. `attempt` (1 unless said) is above 1 only for a new preview asked by reconciliation
   * (feature REPREVIEW): a provider that declares it makes a new order for it.
   */
  initiate(command: InitiatePayment, callbackUrl: string, attempt?: number): Promise<StepResult>;
  /** The amount of an open-amount order; `requestId` tells a retry of one request from a second request. */
  setAmount(order: OrderRef, amount: Money, requestId: string): Promise<StepResult>;
  /** The payer's decision on the preview; `walletId` is the payee wallet chosen among those the preview offered. */
  confirm(order: OrderRef, decision: "ACCEPT" | "REJECT", walletId: string | null): Promise<StepResult>;
  /**
   * Refunds `amount` of a paid order. `refundId` names the refund: the same id again is the same
   * refund (the provider's idempotency key follows from it). REFUSED means the provider said no
   * to this refund; the payment stays as it was.
   */
  refund(order: OrderRef, amount: Money, refundId: string): Promise<StepResult>;
  /** Asks the provider where the order is. */
  queryStatus(order: OrderRef): Promise<StepResult>;
  close(): Promise<void>;
}

/** One broken rule of a callback, by field. */
export interface CallbackIssue {
  readonly field: string;
  readonly rule: string;
}

export type WebhookParse = { readonly kind: "OK"; readonly reports: readonly ProviderReport[] } | { readonly kind: "INVALID"; readonly errors: readonly CallbackIssue[] };

/**
 * A provider's callbacks. The webhook receiver checks the URL's token (shared, see
 * webhook-token.ts) before calling `parse`, and answers `acknowledgement` once the reports are
 * durable on Kafka, so the provider retries otherwise.
 */
export interface WebhookModule {
  readonly provider: string;
  /** Reads the body as the provider writes it and checks that it speaks of `paymentId`. */
  parse(body: string, paymentId: string): WebhookParse;
  readonly acknowledgement: { readonly status: 200; readonly body: unknown };
}
