import { bodyStringField, type SandboxEnv } from "@riel/sandbox-kit";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { notifyOrder } from "../callbacks/order-callbacks.js";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, conflict, orderExpired, receiptNotFound } from "../http/error-bodies.js";
import { httpUrl, jsonObject, oneOf, requiredString, validateBody } from "../http/validation.js";
import type { OrderStatus, TransitionResult } from "../orders/order-store.js";
import type { SandboxContext } from "../sandbox-context.js";
import { paymentAccepted, paymentCallback, paymentCanceled, paymentStatus } from "../wire/depay-bodies.js";
import { chooseWallet } from "./wallet-choice.js";

// Pay and status: the same endpoints for every flow (QR, Pix, Peru, Colombia).
// They act on the shared order store; the flow that created an order decided
// how its payment ends (order.plannedOutcome), whether its callbacks are sent
// (order.callbacksAfterPay) and which wallets it may be paid into.

export const REJECTED_BY_USER = "Rejected by user";

const paySchema = jsonObject({
  order_id: requiredString({ max: 100 }),
  status: oneOf(["accepted", "rejected"]),
  notification_url: httpUrl({ max: 250 }),
  // Peru phone keys only; whether it is wanted depends on the order (wallet-choice.ts).
  wallet_id: z
    .string({ error: "must be a string" })
    .nullish()
    .transform((value) => value ?? undefined),
});

export const orderIdInBody = (c: Context<SandboxEnv>): string | undefined => bodyStringField(c, "order_id");
export const orderIdInPath = (c: Context<SandboxEnv>): string | undefined => c.req.param("order_id");

export function registerPaymentRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const notifyStatus = (orderId: string, status: OrderStatus): void => {
    const order = ctx.orders.get(orderId);
    if (order === undefined) throw new Error(`order ${orderId} vanished`);
    notifyOrder(ctx.notify, order, status, paymentCallback(order, status, ctx.now()));
  };

  const expectMoved = (result: TransitionResult, orderId: string, to: OrderStatus): void => {
    if (result.kind !== "moved") throw new Error(`order ${orderId} could not move to ${to}: ${result.kind}`);
  };

  const settle = (orderId: string): void => {
    const order = ctx.orders.get(orderId);
    if (order === undefined) throw new Error(`order ${orderId} vanished`);
    const outcome = order.plannedOutcome;
    const result =
      outcome.status === "COMPLETED"
        ? ctx.orders.transition(orderId, "COMPLETED", { paymentDate: ctx.now() })
        : ctx.orders.transition(orderId, outcome.status, { errorCode: outcome.errorCode });
    expectMoved(result, orderId, outcome.status);
    notifyStatus(orderId, outcome.status);
  };

  app.post(ENDPOINTS.pay.path, ctx.endpoint("pay", { orderIdOf: orderIdInBody }), (c) => {
    const input = validateBody(paySchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { order_id: orderId, status, notification_url: notificationUrl } = input.data;
    const order = ctx.orders.get(orderId);
    if (order === undefined) return c.json(receiptNotFound(orderId), 404);
    if (ctx.expiry.hasExpired(orderId)) return c.json(orderExpired(), 409);
    // Paid, canceled, or still waiting for its amount: the state answers before the wallet does.
    if (order.status !== "CREATED") return c.json(conflict(), 409);
    const wallet = chooseWallet(order, status, input.data.wallet_id);
    if (wallet.kind === "refused") return c.json(badRequest([wallet.message]), 400);

    switch (status) {
      case "accepted": {
        const moved = ctx.orders.transition(orderId, "PROCESSING", { paymentNotificationUrl: notificationUrl, walletId: wallet.walletId });
        if (moved.kind !== "moved") return c.json(conflict(), 409);
        ctx.expiry.disarm(orderId);
        ctx.stats.count("pay", "effects", orderId);
        ctx.later(orderId, () => notifyStatus(orderId, "PROCESSING"));
        ctx.later(orderId, () => settle(orderId));
        return c.json(paymentAccepted(), 200);
      }
      case "rejected": {
        const moved = ctx.orders.transition(orderId, "CANCELED", {
          paymentNotificationUrl: notificationUrl,
          errorCode: REJECTED_BY_USER,
          walletId: wallet.walletId,
        });
        if (moved.kind !== "moved") return c.json(conflict(), 409);
        ctx.expiry.disarm(orderId);
        ctx.stats.count("pay", "effects", orderId);
        ctx.later(orderId, () => notifyStatus(orderId, "CANCELED"));
        return c.json(paymentCanceled(), 200);
      }
      default: {
        const unreachable: never = status;
        throw new Error(`unknown decision ${String(unreachable)}`);
      }
    }
  });

  app.get(ENDPOINTS["payment-status"].path, ctx.endpoint("payment-status", { orderIdOf: orderIdInPath }), (c) => {
    const orderId = c.req.param("order_id");
    const order = orderId === undefined ? undefined : ctx.orders.get(orderId);
    if (orderId === undefined || order === undefined) return c.json(receiptNotFound(orderId ?? ""), 404);
    // A status query reports an expiry that is due even if its timer has not fired yet.
    ctx.expiry.hasExpired(orderId);
    return c.json(paymentStatus(ctx.orders.get(orderId) ?? order), 200);
  });
}
