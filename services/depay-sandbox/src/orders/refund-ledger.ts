import { compare, parseDecimal, toPlainString, type Decimal } from "@riel/sandbox-kit";
import { add, subtract, ZERO } from "../money/decimal-sums.js";
import type { Order, OrderStatus, OrderStore, Refund } from "./order-store.js";

// Refunds of a paid order (provider docs gap 1 leaves the call itself to us;
// the statuses are documented): a refund is in flight from the request until
// it is done or rejected. What is left to refund is the paid local amount
// minus refunds done and in flight, so two refunds in flight can never add up
// to more than was paid. A rejected refund changes nothing.

/** Statuses of an order that may be refunded (again). */
export const REFUNDABLE_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["COMPLETED", "PARTIALLY_REFUNDED"]);

function decimal(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`malformed amount ${text}`);
  return value;
}

function total(refunds: readonly Refund[], states: readonly Refund["state"][]): Decimal {
  return refunds.filter((refund) => states.includes(refund.state)).reduce((sum, refund) => add(sum, decimal(refund.amount)), ZERO);
}

function paid(order: Order): Decimal {
  if (order.localAmount === null) throw new Error(`order ${order.id} has no amount`);
  return decimal(order.localAmount);
}

/** The paid local amount minus refunds done and in flight, as a decimal string. */
export function refundableAmount(order: Order): string {
  return toPlainString(subtract(paid(order), total(order.refunds, ["done", "in_flight"])));
}

export type RefundRequest =
  | { readonly kind: "accepted"; readonly refund: Refund }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_refundable"; readonly status: OrderStatus }
  | { readonly kind: "exceeds_refundable"; readonly refundable: string };

/** Puts a refund in flight when the order is refundable and `amount` (a decimal string) fits what is left. */
export function requestRefund(orders: OrderStore, orderId: string, refund: { id: string; amount: string; at: Date }): RefundRequest {
  const order = orders.get(orderId);
  if (order === undefined) return { kind: "not_found" };
  if (!REFUNDABLE_STATUSES.has(order.status)) return { kind: "not_refundable", status: order.status };
  const refundable = refundableAmount(order);
  if (compare(decimal(refund.amount), decimal(refundable)) > 0) return { kind: "exceeds_refundable", refundable };
  const inFlight: Refund = { id: refund.id, amount: refund.amount, state: "in_flight", requestedAt: refund.at, settledAt: null };
  orders.setRefunds(orderId, [...order.refunds, inFlight]);
  return { kind: "accepted", refund: inFlight };
}

export type RefundSettlement =
  | { readonly kind: "refunded"; readonly status: "PARTIALLY_REFUNDED" | "REFUNDED"; readonly order: Order; readonly refund: Refund }
  | { readonly kind: "rejected"; readonly order: Order; readonly refund: Refund };

/**
 * Ends a refund in flight. Done: the order becomes REFUNDED once the refunds
 * done reach the paid amount, PARTIALLY_REFUNDED before. Rejected: the
 * amount is released; the order's status stays.
 */
export function settleRefund(orders: OrderStore, orderId: string, refundId: string, outcome: "done" | "rejected", at: Date): RefundSettlement {
  const order = orders.get(orderId);
  if (order === undefined) throw new Error(`order ${orderId} vanished`);
  const current = order.refunds.find((refund) => refund.id === refundId);
  if (current?.state !== "in_flight") throw new Error(`order ${orderId}: refund ${refundId} is not in flight`);
  const settled: Refund = { ...current, state: outcome, settledAt: at };
  const refunds = order.refunds.map((refund) => (refund.id === refundId ? settled : refund));
  if (outcome === "rejected") {
    const updated = orders.setRefunds(orderId, refunds);
    if (updated === undefined) throw new Error(`order ${orderId} vanished`);
    return { kind: "rejected", order: updated, refund: settled };
  }
  const status = compare(total(refunds, ["done"]), paid(order)) >= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
  const moved = orders.transition(orderId, status, { refunds });
  if (moved.kind !== "moved") throw new Error(`order ${orderId} could not move to ${status}: ${moved.kind}`);
  return { kind: "refunded", status, order: moved.order, refund: settled };
}
