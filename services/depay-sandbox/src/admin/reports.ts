import type { CallbackRecord, CallCounters, CallsReport, PaymentTruth, SandboxRuntime, TruthReport } from "@riel/sandbox-kit";
import { ORDER_ENDPOINTS, type EndpointId } from "../endpoints.js";
import type { CallbacksAfterPay, Order, OrderStatus, PaymentOutcome, PaymentType, QrType, RefundState, Wallet } from "../orders/order-store.js";
import { isFinalOrderStatus, type OrderStore } from "../orders/order-store.js";

export type { CallsReport } from "@riel/sandbox-kit";

/** An order as plain JSON (dates as ISO strings, amounts as decimal strings). */
export interface OrderView {
  readonly id: string;
  readonly paymentType: PaymentType;
  readonly qrType: QrType | null;
  readonly status: OrderStatus;
  readonly externalReference: string;
  /** null while the order waits for its amount. */
  readonly localAmount: string | null;
  readonly localCurrency: string;
  readonly userAmount: string | null;
  readonly userCurrency: string;
  readonly merchant: { readonly name: string; readonly identificationNumber: string; readonly branchOffice: string };
  readonly plannedOutcome: PaymentOutcome;
  readonly errorCode: string | null;
  readonly paymentDate: string | null;
  readonly expiresAt: string | null;
  readonly previewNotificationUrl: string;
  readonly paymentNotificationUrl: string | null;
  /** "dropped": no callback after the pay request (PIX_TEST_KEYS.silent). */
  readonly callbacksAfterPay: CallbacksAfterPay;
  /** Peru phone keys: the wallets the preview offered; null for other orders. */
  readonly wallets: readonly Wallet[] | null;
  /** The wallet the pay request chose; null when none was (every order but a Peru phone key's). */
  readonly walletId: string | null;
  /** Amounts as decimal strings in the order's local currency; in_flight until the refund's callback step. */
  readonly refunds: readonly {
    readonly id: string;
    readonly amount: string;
    readonly state: RefundState;
    readonly requestedAt: string;
    readonly settledAt: string | null;
  }[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly { readonly status: OrderStatus; readonly at: string }[];
}

export interface OrderReport {
  readonly order: OrderView;
  /** Per endpoint: requests that named this order, effects on it, replays. Every order endpoint is present. */
  readonly calls: Record<string, CallCounters>;
  readonly callbacks: readonly CallbackRecord[];
}

export interface SandboxReports {
  order(id: string): OrderReport | undefined;
  listOrders(): OrderView[];
  /** The runtime's totals plus `faults`: the faults injected so far, per kind. */
  calls(): CallsReport;
  /** GET /__sandbox/truth: per external_reference, what Depay holds (see README). */
  truth(reference?: string): TruthReport;
}

export function toOrderView(order: Order): OrderView {
  return {
    id: order.id,
    paymentType: order.paymentType,
    qrType: order.qrType,
    status: order.status,
    externalReference: order.externalReference,
    localAmount: order.localAmount,
    localCurrency: order.localCurrency,
    userAmount: order.userAmount,
    userCurrency: order.userCurrency,
    merchant: { ...order.merchant },
    plannedOutcome: { ...order.plannedOutcome },
    errorCode: order.errorCode,
    paymentDate: order.paymentDate?.toISOString() ?? null,
    expiresAt: order.expiresAt?.toISOString() ?? null,
    previewNotificationUrl: order.previewNotificationUrl,
    paymentNotificationUrl: order.paymentNotificationUrl,
    callbacksAfterPay: order.callbacksAfterPay,
    wallets: order.wallets?.map((wallet) => ({ ...wallet })) ?? null,
    walletId: order.walletId,
    refunds: order.refunds.map((refund) => ({
      id: refund.id,
      amount: refund.amount,
      state: refund.state,
      requestedAt: refund.requestedAt.toISOString(),
      settledAt: refund.settledAt?.toISOString() ?? null,
    })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    history: order.history.map((change) => ({ status: change.status, at: change.at.toISOString() })),
  };
}

/** A PaymentTruth being summed up, and whether a pay request took effect on one of its orders. */
interface Truth {
  status: OrderStatus;
  final: boolean;
  orders: number;
  payEffects: number;
  readonly refunds: { amount: string; state: string }[];
  paid: boolean;
}

export function createReports(deps: { orders: OrderStore; runtime: SandboxRuntime<EndpointId> }): SandboxReports {
  const { orders, runtime } = deps;
  return {
    order(id) {
      const order = orders.get(id);
      if (order === undefined) return undefined;
      return { order: toOrderView(order), calls: runtime.streamCalls(id, ORDER_ENDPOINTS), callbacks: runtime.callbacks(id) };
    },
    listOrders: () => orders.list().map(toOrderView),
    calls: () => ({ ...runtime.callsReport(), faults: runtime.faults.counters() }),
    truth(reference) {
      // One pass over the orders, in creation order. Several orders may share an
      // external_reference (a preview sent again without its idempotency key):
      // the status is that of the last order a pay request took effect on, else of the last one created.
      const payments = new Map<string, Truth>();
      for (const order of orders.list()) {
        const ref = order.externalReference;
        if (reference !== undefined && ref !== reference) continue;
        const payEffects = runtime.streamCalls(order.id, ["pay"]).pay?.effects ?? 0;
        let truth = payments.get(ref);
        if (truth === undefined) {
          truth = { status: order.status, final: false, orders: 0, payEffects: 0, refunds: [], paid: false };
          payments.set(ref, truth);
        }
        if (payEffects > 0 || !truth.paid) {
          truth.status = order.status;
          truth.final = isFinalOrderStatus(order.status);
          truth.paid ||= payEffects > 0;
        }
        truth.orders++;
        truth.payEffects += payEffects;
        for (const refund of order.refunds) truth.refunds.push({ amount: refund.amount, state: refund.state });
      }
      // fromEntries defines own properties, so a reference such as "__proto__" is kept as data.
      const report: Record<string, PaymentTruth> = Object.fromEntries([...payments].map(([ref, { paid: _paid, ...truth }]) => [ref, truth]));
      return { payments: report };
    },
  };
}
