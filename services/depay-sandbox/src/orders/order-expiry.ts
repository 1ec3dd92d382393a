import type { Deadlines } from "@riel/sandbox-kit";
import { PREVIEW_STATUSES, type Order, type OrderStore, type TransitionResult } from "./order-store.js";

// Unpaid previews (CREATED, WAITING_AMOUNT, PROCESS_LATER) end CANCELED with
// error_code "Order expired", as the documents' CANCELED example shows. A
// timer does it on time; every request that would act on the order checks the
// sandbox clock first as well, since a timer can run late and a test clock
// can move ahead of real time.

export const ORDER_EXPIRED = "Order expired";

export interface OrderExpiry {
  /** Starts, or restarts, the order's deadline: previewTtlMs from now. */
  arm(orderId: string): void;
  /** The order left the preview statuses (paid, canceled by the user): no deadline any more. */
  disarm(orderId: string): void;
  /** True when the order expired; expires it first if its deadline has passed by the sandbox clock. */
  hasExpired(orderId: string): boolean;
  /** Expires an unpaid preview now (what the deadline does; also the admin route). */
  expireNow(orderId: string): TransitionResult;
}

export interface OrderExpiryDeps {
  readonly orders: OrderStore;
  readonly deadlines: Deadlines;
  readonly ttlMs: number;
  readonly now: () => Date;
  /** Announces the expiry (the CANCELED status callback). */
  readonly onExpired: (order: Order) => void;
}

export function createOrderExpiry(deps: OrderExpiryDeps): OrderExpiry {
  const { orders, deadlines, ttlMs, now, onExpired } = deps;

  const expireNow = (orderId: string): TransitionResult => {
    const order = orders.get(orderId);
    if (order === undefined) return { kind: "not_found" };
    if (!PREVIEW_STATUSES.has(order.status)) return { kind: "not_allowed", from: order.status };
    const moved = orders.transition(orderId, "CANCELED", { errorCode: ORDER_EXPIRED, expiresAt: null });
    deadlines.cancel(orderId);
    if (moved.kind === "moved") onExpired(moved.order);
    return moved;
  };

  return {
    arm(orderId) {
      orders.setExpiresAt(orderId, new Date(now().getTime() + ttlMs));
      deadlines.set(orderId, ttlMs, () => {
        // Paid or canceled meanwhile: not_allowed, nothing to do.
        expireNow(orderId);
      });
    },
    disarm(orderId) {
      deadlines.cancel(orderId);
      orders.setExpiresAt(orderId, null);
    },
    hasExpired(orderId) {
      const order = orders.get(orderId);
      if (order === undefined) return false;
      if (PREVIEW_STATUSES.has(order.status) && order.expiresAt !== null && now().getTime() >= order.expiresAt.getTime()) {
        expireNow(orderId);
      }
      const current = orders.get(orderId);
      return current?.status === "CANCELED" && current.errorCode === ORDER_EXPIRED;
    },
    expireNow,
  };
}
