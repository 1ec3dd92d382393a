import type { Collector, InitiatePayment, Money, StatusSource } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";

export interface HistoryEntry {
  readonly status: string;
  readonly source: StatusSource;
  readonly at: string;
  readonly eventId: string;
  readonly reason: string | null;
}

/** A payment as `GET /v1/payments/{id}` shows it; the status projector is its one writer after creation. */
export interface PaymentView {
  readonly paymentId: string;
  readonly status: string;
  readonly final: boolean;
  readonly method: string;
  readonly externalReference: string;
  readonly amount: Money;
  readonly provider: string;
  readonly providerOrderId: string | null;
  readonly collector: Collector | null;
  readonly localAmount: Money | null;
  readonly userAmount: Money | null;
  readonly refundedAmount: Money | null;
  readonly reason: string | null;
  readonly history: readonly HistoryEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the projector keeps beside the view: event ids already applied, for dropping repeats. */
export interface StoredPayment {
  readonly view: PaymentView;
  readonly applied: readonly string[];
  /** The rules library's order state, serialized by the projector; absent until it first ran. */
  readonly machine?: string;
}

export async function readPayment(store: ProjectionStore, paymentId: string): Promise<{ version: number; payment: StoredPayment } | null> {
  const found = await store.read(`payment:${paymentId}`);
  return found ? { version: found.version, payment: JSON.parse(found.value) as StoredPayment } : null;
}

export async function writePayment(store: ProjectionStore, payment: StoredPayment, expectedVersion: number): ReturnType<ProjectionStore["write"]> {
  return store.write(`payment:${payment.view.paymentId}`, JSON.stringify(payment), expectedVersion);
}

/** The view of a payment Riel has accepted and not yet sent anywhere. */
export function initialView(cmd: InitiatePayment): StoredPayment {
  const at = cmd.envelope.occurredAt;
  return {
    view: {
      paymentId: cmd.envelope.paymentId,
      status: "RECEIVED",
      final: false,
      method: cmd.method,
      externalReference: cmd.externalReference,
      amount: cmd.amount,
      provider: "depay",
      providerOrderId: null,
      collector: null,
      localAmount: null,
      userAmount: null,
      refundedAmount: null,
      reason: null,
      history: [{ status: "RECEIVED", source: "COMMAND", at, eventId: cmd.envelope.eventId, reason: null }],
      createdAt: at,
      updatedAt: at,
    },
    applied: [cmd.envelope.eventId],
  };
}
