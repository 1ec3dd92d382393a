import type { CurrencyCode } from "@riel/rails";
import { allows, formatAmount, isCurrencyCode, parseAmount } from "@riel/rails";
import type { Money } from "@riel/schemas";
import type { FieldError } from "./errors.js";
import { methodOf } from "./registry.js";
import type { RefundStatus, RefundView, StoredPayment } from "./view.js";
import { statusOf } from "./view.js";

/** What asking for a refund came to. */
export type Reservation =
  /** Held against the paid amount: write `stored`, then send the refund. */
  | { readonly kind: "RESERVED"; readonly stored: StoredPayment; readonly refund: RefundView }
  /** The same refund (id and amount) was already asked for: send it again, hold nothing new. */
  | { readonly kind: "EXISTS"; readonly refund: RefundView }
  /** The payment's status takes no refund. */
  | { readonly kind: "NOT_ALLOWED"; readonly reason: string }
  /** The amount breaks a rule (currency, minor units, more than what is left). */
  | { readonly kind: "INVALID"; readonly errors: readonly FieldError[] };

const minorOf = (money: Money, currency: CurrencyCode): bigint | null => {
  const parsed = parseAmount(money.amount, currency);
  return parsed.ok ? parsed.value.minor : null;
};

const money = (minor: bigint, currency: CurrencyCode): Money => ({ amount: formatAmount({ currency, minor }), currency });

/** Refunds that hold part of the paid amount: done, or not yet answered. */
const HOLDING: ReadonlySet<RefundStatus> = new Set<RefundStatus>(["REQUESTED", "PROCESSING", "REFUNDED"]);

/** What can still be refunded: the paid amount less every refund done or in flight. null while nothing is paid. */
export function refundable(stored: StoredPayment): Money | null {
  const { view } = stored;
  if (view.amount === null || !isCurrencyCode(view.currency) || !allows(statusOf(view), "REFUND").ok) return null;
  const paid = minorOf(view.amount, view.currency);
  if (paid === null) return null;
  let held = 0n;
  for (const r of view.refunds) if (HOLDING.has(r.status)) held += minorOf(r.amount, view.currency) ?? 0n;
  return money(paid - held < 0n ? 0n : paid - held, view.currency);
}

/**
 * Holds a refund against what is left of the paid amount. The caller writes the returned payment
 * with the version it read, so two refunds racing for the same money cannot both be held: the
 * loser's write conflicts, it reads again and finds less left. `amount` null asks for the rest.
 */
export function reserveRefund(stored: StoredPayment, refundId: string, amount: Money | null, at: string): Reservation {
  const { view } = stored;
  const existing = view.refunds.find((r) => r.refundId === refundId);
  if (existing) {
    if (amount === null || (amount.currency === existing.amount.currency && isCurrencyCode(amount.currency) && minorOf(amount, amount.currency) === minorOf(existing.amount, amount.currency))) {
      return { kind: "EXISTS", refund: existing };
    }
    return { kind: "INVALID", errors: [{ field: "amount", rule: `must be ${existing.amount.amount} ${existing.amount.currency}: refund ${refundId} was asked for with that amount` }] };
  }
  if (methodOf(view.method)?.refundable === false) return { kind: "NOT_ALLOWED", reason: `${view.method} payments are not refunded through ${view.provider}` };
  const verdict = allows(statusOf(view), "REFUND");
  if (!verdict.ok) return { kind: "NOT_ALLOWED", reason: verdict.reason };
  const left = refundable(stored);
  if (left === null || !isCurrencyCode(view.currency)) return { kind: "NOT_ALLOWED", reason: "the paid amount is not known yet" };
  const currency = view.currency;
  const leftMinor = minorOf(left, currency) ?? 0n;
  let minor: bigint;
  if (amount === null) {
    minor = leftMinor;
    if (minor === 0n) return { kind: "INVALID", errors: [{ field: "amount", rule: "nothing is left to refund: every paid amount is refunded or being refunded" }] };
  } else {
    if (amount.currency !== currency) return { kind: "INVALID", errors: [{ field: "amount.currency", rule: `must be ${currency}, the payment's currency` }] };
    const parsed = parseAmount(amount.amount, currency);
    if (!parsed.ok) return { kind: "INVALID", errors: [{ field: "amount.amount", rule: `${parsed.error.rule}: ${parsed.error.message}` }] };
    minor = parsed.value.minor;
    if (minor <= 0n) return { kind: "INVALID", errors: [{ field: "amount.amount", rule: "must be greater than zero" }] };
    if (minor > leftMinor) {
      return {
        kind: "INVALID",
        errors: [{ field: "amount.amount", rule: `REFUND_EXCEEDS_REFUNDABLE: must be at most ${left.amount} ${currency}, what is left of the ${view.amount?.amount ?? "?"} ${currency} paid after refunds done or in flight` }],
      };
    }
  }
  const refund: RefundView = { refundId, amount: money(minor, currency), status: "REQUESTED", reason: null, requestedAt: at, updatedAt: at };
  return { kind: "RESERVED", refund, stored: { ...stored, view: { ...view, refunds: [...view.refunds, refund], updatedAt: at } } };
}

/**
 * What a provider said about a refund, applied to the payment's list: by id when the answer names
 * it, otherwise (callbacks carry only an amount) the oldest open refund of that amount, then the
 * oldest open one. A refund Riel never asked for is added, so the list always sums to the truth.
 */
export function settleRefund(
  refunds: readonly RefundView[],
  report: { readonly refundId: string | null; readonly amount: Money | null; readonly status: RefundStatus; readonly reason: string | null; readonly at: string },
): readonly RefundView[] {
  const open = (r: RefundView) => r.status === "REQUESTED" || r.status === "PROCESSING";
  const sameAmount = (r: RefundView) => report.amount !== null && r.amount.currency === report.amount.currency && isCurrencyCode(r.amount.currency) && minorOf(r.amount, r.amount.currency) === minorOf(report.amount, r.amount.currency);
  const index =
    report.refundId !== null
      ? refunds.findIndex((r) => r.refundId === report.refundId)
      : (() => {
          const exact = refunds.findIndex((r) => open(r) && sameAmount(r));
          return exact >= 0 ? exact : refunds.findIndex(open);
        })();
  const target = refunds[index];
  if (target === undefined) {
    if (report.amount === null || report.status !== "REFUNDED") return refunds;
    return [...refunds, { refundId: null, amount: report.amount, status: "REFUNDED", reason: report.reason, requestedAt: report.at, updatedAt: report.at }];
  }
  // A refund's end is final: a late PROCESSING does not reopen it.
  if (!open(target) && report.status !== target.status) return refunds;
  const next: RefundView = { ...target, status: report.status, reason: report.reason ?? target.reason, updatedAt: report.at };
  return refunds.map((r, i) => (i === index ? next : r));
}
