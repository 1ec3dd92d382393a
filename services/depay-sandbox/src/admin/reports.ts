import type { CallbackDispatcher, CallbackRecord, CallbackTotals } from "../callbacks/callback-dispatcher.js";
import { ORDER_ENDPOINTS, type EndpointId } from "../endpoints.js";
import type { CallCounters, CallStats, EndpointInfo } from "../orders/call-stats.js";
import type { Order, OrderStatus, PaymentOutcome, PaymentType } from "../orders/order-store.js";
import type { OrderStore } from "../orders/order-store.js";

/** An order as plain JSON (dates as ISO strings, amounts as decimal strings). */
export interface OrderView {
  readonly id: string;
  readonly paymentType: PaymentType;
  readonly status: OrderStatus;
  readonly externalReference: string;
  readonly localAmount: string;
  readonly localCurrency: string;
  readonly userAmount: string;
  readonly userCurrency: string;
  readonly merchant: { readonly name: string; readonly identificationNumber: string; readonly branchOffice: string };
  readonly plannedOutcome: PaymentOutcome;
  readonly errorCode: string | null;
  readonly paymentDate: string | null;
  readonly previewNotificationUrl: string;
  readonly paymentNotificationUrl: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly { readonly status: OrderStatus; readonly at: string }[];
}

export interface OrderReport {
  readonly order: OrderView;
  /** Per endpoint: requests that named this order, effects on it, replays. `pay` is always present. */
  readonly calls: Record<string, CallCounters>;
  readonly callbacks: readonly CallbackRecord[];
}

export interface CallsReport {
  readonly endpoints: Record<string, EndpointInfo & CallCounters>;
  readonly callbacks: CallbackTotals;
  /** Faults inside the sandbox itself (should stay empty). */
  readonly internalErrors: readonly string[];
}

export interface SandboxReports {
  order(id: string): OrderReport | undefined;
  listOrders(): OrderView[];
  calls(): CallsReport;
}

export function toOrderView(order: Order): OrderView {
  return {
    id: order.id,
    paymentType: order.paymentType,
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
    previewNotificationUrl: order.previewNotificationUrl,
    paymentNotificationUrl: order.paymentNotificationUrl,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    history: order.history.map((change) => ({ status: change.status, at: change.at.toISOString() })),
  };
}

export function createReports(deps: {
  orders: OrderStore;
  stats: CallStats<EndpointId>;
  dispatcher: CallbackDispatcher;
  internalErrors: readonly string[];
}): SandboxReports {
  const { orders, stats, dispatcher, internalErrors } = deps;
  return {
    order(id) {
      const order = orders.get(id);
      if (order === undefined) return undefined;
      return { order: toOrderView(order), calls: stats.forOrder(id, ORDER_ENDPOINTS), callbacks: dispatcher.records(id) };
    },
    listOrders: () => orders.list().map(toOrderView),
    calls: () => ({ endpoints: stats.totals(), callbacks: dispatcher.totals(), internalErrors: [...internalErrors] }),
  };
}
