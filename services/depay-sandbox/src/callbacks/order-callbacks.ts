import type { JsonObject } from "@riel/sandbox-kit";
import type { Order } from "../orders/order-store.js";
import type { SandboxContext } from "../sandbox-context.js";

// Where an order's status callbacks go, and the one place that drops them for
// an order whose key says so (PIX_TEST_KEYS.silent): a client must then learn
// the outcome from GET /v2/payments/{order_id}/status.

/** Status callbacks go to the pay request's notification_url; before any pay request (expiry), to the preview's. */
export function statusCallbackUrl(order: Order): string {
  return order.paymentNotificationUrl ?? order.previewNotificationUrl;
}

/** Queues a status or refund callback for `order`; none once a pay request was answered if the order drops them. */
export function notifyOrder(notify: SandboxContext["notify"], order: Order, label: string, body: JsonObject): void {
  if (order.paymentNotificationUrl !== null && order.callbacksAfterPay === "dropped") return;
  notify(order.id, statusCallbackUrl(order), label, body);
}
