import type { CurrencyCode } from "../currency/index.js";
import { equals, formatAmount, type Money } from "../money/index.js";

export const ORDER_STATUSES = [
  "CREATED",
  "WAITING_AMOUNT",
  "PROCESS_LATER",
  "PROCESSING",
  "COMPLETED",
  "CANCELED",
  "REJECTED",
  "FAILED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "AWAITING_PAYMENT",
  "DECLINED",
  "EXPIRED",
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Statuses a provider may report on its own. PARTIALLY_REFUNDED is absent
 * because it only means something with the refund's amount: it arrives as a
 * REFUND event, never as a bare status.
 */
export type ReportedStatus = Exclude<OrderStatus, "PARTIALLY_REFUNDED">;

export type EventSource = "PROVIDER_CALLBACK" | "STATUS_QUERY" | "COMMAND";

/**
 * Direct moves, from the provider documents. WAITING_AMOUNT (open-amount QR)
 * and PROCESS_LATER (Argentine static QR awaiting the merchant's amount) lead
 * to CREATED once the amount is known; CANCELED ("not accepted or expired")
 * only precedes payment; COMPLETED is followed by refunds. Pay-ins start
 * AWAITING_PAYMENT (the payer holds a link, a QR or a voucher) and end paid
 * (COMPLETED), REJECTED (the bank said no), DECLINED (the provider's own rules
 * said no) or EXPIRED (the payer's time ran out).
 */
const DIRECT_MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  WAITING_AMOUNT: ["CREATED", "CANCELED", "REJECTED", "FAILED"],
  PROCESS_LATER: ["CREATED", "CANCELED", "REJECTED", "FAILED"],
  CREATED: ["PROCESSING", "CANCELED", "REJECTED", "FAILED"],
  PROCESSING: ["COMPLETED", "REJECTED", "FAILED", "DECLINED", "EXPIRED"],
  COMPLETED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  PARTIALLY_REFUNDED: ["REFUNDED"],
  CANCELED: [],
  REJECTED: [],
  FAILED: [],
  REFUNDED: [],
  AWAITING_PAYMENT: ["PROCESSING", "COMPLETED", "REJECTED", "DECLINED", "EXPIRED", "FAILED"],
  DECLINED: [],
  EXPIRED: [],
};

function reachableFrom(status: OrderStatus): ReadonlySet<OrderStatus> {
  const seen = new Set<OrderStatus>();
  const pending = [...DIRECT_MOVES[status]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...DIRECT_MOVES[next]);
  }
  return seen;
}

const FINAL: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["CANCELED", "REJECTED", "FAILED", "REFUNDED", "DECLINED", "EXPIRED"]);
const PAID: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
const NEVER_PAID: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["CANCELED", "REJECTED", "FAILED", "DECLINED", "EXPIRED"]);

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

/** COMPLETED is not final: refunds may follow it. */
export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL.has(status);
}

/**
 * Whether `to` lies ahead of `from`, directly or through statuses whose
 * events were missed (a COMPLETED may arrive without its PROCESSING).
 */
export function canTransition(from: OrderStatus | null, to: OrderStatus): boolean {
  if (from === null) return true;
  return reachableFrom(from).has(to);
}

interface EventBase {
  /** Unique per event; the same id applied twice is a DUPLICATE. */
  readonly eventId: string;
  readonly source: EventSource;
  /** When the event happened, as the source wrote it; recorded, never compared. */
  readonly at: string;
}

export interface StatusEvent extends EventBase {
  readonly type: "STATUS";
  readonly status: ReportedStatus;
  /** The order amount, when the event carries it (preview callback, status query, amount command). */
  readonly amount?: Money | null;
}

export interface RefundEvent extends EventBase {
  readonly type: "REFUND";
  /** This refund's amount, not a running total. */
  readonly amount: Money;
}

export type OrderEvent = StatusEvent | RefundEvent;

interface HistoryBase {
  readonly eventId: string;
  readonly source: EventSource;
  readonly at: string;
  /** The status a STATUS event reported, or the status a refund led to. */
  readonly status: OrderStatus;
  /** APPLIED moved the order; STALE was a late or repeated report, kept for the record. */
  readonly effect: "APPLIED" | "STALE";
}

export interface StatusEntry extends HistoryBase {
  readonly type: "STATUS";
  /** The order amount the event carried, if any. */
  readonly amount: Money | null;
}

export interface RefundEntry extends HistoryBase {
  readonly type: "REFUND";
  readonly amount: Money;
}

export type HistoryEntry = StatusEntry | RefundEntry;

export interface OrderState {
  readonly currency: CurrencyCode;
  /** null until the first event. */
  readonly status: OrderStatus | null;
  /** The order amount, once any event or the creator has told it. */
  readonly amount: Money | null;
  /** The amount paid: the order amount once the order is COMPLETED (or refunded), else null. */
  readonly paid: Money | null;
  /** Total refunded; never more than `paid`. */
  readonly refunded: Money;
  readonly history: readonly HistoryEntry[];
}

export type RejectionRule =
  | "EVENT_ID_REUSED"
  | "CURRENCY_MISMATCH"
  | "AMOUNT_NOT_POSITIVE"
  | "AMOUNT_CONFLICT"
  | "IMPOSSIBLE_TRANSITION"
  | "REFUND_OF_UNPAID_ORDER"
  | "REFUND_AMOUNT_UNKNOWN"
  | "REFUND_EXCEEDS_PAID";

export type ApplyResult =
  | { readonly kind: "APPLIED"; readonly state: OrderState }
  | { readonly kind: "DUPLICATE"; readonly state: OrderState }
  | { readonly kind: "STALE"; readonly state: OrderState; readonly reason: string }
  | { readonly kind: "REJECTED"; readonly state: OrderState; readonly rule: RejectionRule; readonly reason: string };

/** A new order, either of a known amount (closed-amount QR, key payment) or of a currency only (open amount). */
export function newOrder(init: { readonly currency: CurrencyCode } | { readonly amount: Money }): OrderState {
  const amount = "amount" in init ? init.amount : null;
  const currency = "amount" in init ? init.amount.currency : init.currency;
  return { currency, status: null, amount, paid: null, refunded: { currency, minor: 0n }, history: [] };
}

function rejected(state: OrderState, rule: RejectionRule, reason: string): ApplyResult {
  return { kind: "REJECTED", state, rule, reason };
}

function refunds(history: readonly HistoryEntry[], effect?: HistoryEntry["effect"]): bigint {
  let minor = 0n;
  for (const entry of history) {
    if (entry.type === "REFUND" && (effect === undefined || entry.effect === effect)) minor += entry.amount.minor;
  }
  return minor;
}

/**
 * Everything but status and history is derived, so no arrival order can leave
 * `paid` or `refunded` inconsistent with the status.
 */
function settle(
  state: OrderState,
  status: OrderStatus | null,
  amount: Money | null,
  entry: HistoryEntry,
): OrderState {
  const history = [...state.history, entry];
  const paid = status !== null && PAID.has(status) ? amount : null;
  // A reported REFUNDED means fully refunded even when some refund callbacks never came.
  const refunded = status === "REFUNDED" && paid !== null ? paid : { currency: state.currency, minor: refunds(history, "APPLIED") };
  return { currency: state.currency, status, amount, paid, refunded, history };
}

function checkAmount(state: OrderState, amount: Money): { rule: RejectionRule; reason: string } | null {
  if (amount.currency !== state.currency) {
    return { rule: "CURRENCY_MISMATCH", reason: `amount in ${amount.currency} for an order in ${state.currency}` };
  }
  if (amount.minor <= 0n) return { rule: "AMOUNT_NOT_POSITIVE", reason: `amount ${formatAmount(amount)} is not positive` };
  return null;
}

function sameContent(entry: HistoryEntry, event: OrderEvent): boolean {
  if (entry.type !== event.type) return false;
  const amount = event.amount ?? null;
  const sameAmount = amount === null ? entry.amount === null : entry.amount !== null && equals(entry.amount, amount);
  return sameAmount && (event.type === "REFUND" || entry.status === event.status);
}

function applyStatus(state: OrderState, event: StatusEvent): ApplyResult {
  const reported = event.amount ?? null;
  if (reported !== null) {
    const problem = checkAmount(state, reported);
    if (problem) return rejected(state, problem.rule, problem.reason);
    if (state.amount !== null && !equals(state.amount, reported)) {
      return rejected(
        state,
        "AMOUNT_CONFLICT",
        `${event.status} reports amount ${formatAmount(reported)} but the order amount is ${formatAmount(state.amount)}`,
      );
    }
  }
  // A late event still teaches the amount, so the final amount does not depend on arrival order.
  const amount = state.amount ?? reported;
  const entry = (effect: HistoryEntry["effect"]): StatusEntry => ({
    eventId: event.eventId,
    source: event.source,
    at: event.at,
    type: "STATUS",
    status: event.status,
    effect,
    amount: reported,
  });
  const current = state.status;
  if (current === null || canTransition(current, event.status)) {
    return { kind: "APPLIED", state: settle(state, event.status, amount, entry("APPLIED")) };
  }
  if (current === event.status) {
    return { kind: "STALE", state: settle(state, current, amount, entry("STALE")), reason: `already ${current}` };
  }
  if (canTransition(event.status, current)) {
    return {
      kind: "STALE",
      state: settle(state, current, amount, entry("STALE")),
      reason: `${event.status} arrived after ${current}, which comes later; the order stays ${current}`,
    };
  }
  const why = isFinalStatus(current) ? `${current} is final` : `${current} never leads to ${event.status}`;
  return rejected(state, "IMPOSSIBLE_TRANSITION", `cannot move from ${current} to ${event.status}: ${why}`);
}

function applyRefund(state: OrderState, event: RefundEvent): ApplyResult {
  const problem = checkAmount(state, event.amount);
  if (problem) return rejected(state, problem.rule, problem.reason);
  const current = state.status;
  if (current !== null && NEVER_PAID.has(current)) {
    return rejected(state, "REFUND_OF_UNPAID_ORDER", `a ${current} order was never paid, so it cannot be refunded`);
  }
  const paid = state.amount;
  if (paid === null) {
    return rejected(state, "REFUND_AMOUNT_UNKNOWN", "the order amount is unknown, so a refund cannot be checked against it");
  }
  const entry = (status: OrderStatus, effect: HistoryEntry["effect"]): RefundEntry => ({
    eventId: event.eventId,
    source: event.source,
    at: event.at,
    type: "REFUND",
    status,
    effect,
    amount: event.amount,
  });
  if (current === "REFUNDED") {
    // Reached through a reported REFUNDED, late refund callbacks are already inside the total.
    const seen = refunds(state.history) + event.amount.minor;
    if (seen <= paid.minor) {
      return {
        kind: "STALE",
        state: settle(state, current, paid, entry(current, "STALE")),
        reason: "the order is already fully refunded and this refund lies within the paid amount",
      };
    }
    return rejected(
      state,
      "REFUND_EXCEEDS_PAID",
      `refunds would total ${formatAmount({ currency: state.currency, minor: seen })} of ${formatAmount(paid)} paid`,
    );
  }
  // A refund proves the payment completed, even if the COMPLETED event is still on its way.
  const total = state.refunded.minor + event.amount.minor;
  if (total > paid.minor) {
    return rejected(
      state,
      "REFUND_EXCEEDS_PAID",
      `refund of ${formatAmount(event.amount)} would bring refunds to ${formatAmount({ currency: state.currency, minor: total })} of ${formatAmount(paid)} paid`,
    );
  }
  const status: OrderStatus = total === paid.minor ? "REFUNDED" : "PARTIALLY_REFUNDED";
  return { kind: "APPLIED", state: settle(state, status, paid, entry(status, "APPLIED")) };
}

/**
 * Applies one event to an order. Pure: the given state is never modified.
 * Persist the returned state for APPLIED and STALE (STALE records the late
 * event in the history); DUPLICATE and REJECTED return the state unchanged.
 */
export function apply(state: OrderState, event: OrderEvent): ApplyResult {
  const previous = state.history.find((h) => h.eventId === event.eventId);
  if (previous !== undefined) {
    if (sameContent(previous, event)) return { kind: "DUPLICATE", state };
    return rejected(state, "EVENT_ID_REUSED", `event ${event.eventId} was already applied with different content`);
  }
  switch (event.type) {
    case "STATUS":
      return applyStatus(state, event);
    case "REFUND":
      return applyRefund(state, event);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** What can still be refunded: null while the order is not paid or its amount is unknown. */
export function refundable(state: OrderState): Money | null {
  if (state.paid === null) return null;
  return { currency: state.currency, minor: state.paid.minor - state.refunded.minor };
}
