import type { Context, Hono } from "hono";
import { z } from "zod";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, conflict, receiptNotFound } from "../http/error-bodies.js";
import type { SandboxEnv } from "../http/sandbox-env.js";
import { httpUrl, jsonObject, requiredString, validateBody } from "../http/validation.js";
import { isJsonObject } from "../json/lossless-json.js";
import type { OrderStatus, TransitionResult } from "../orders/order-store.js";
import type { SandboxContext } from "../sandbox-context.js";
import { paymentAccepted, paymentCallback, paymentCanceled, paymentStatus } from "../wire/depay-bodies.js";

// Pay and status: the same endpoints for every flow (QR, Pix, Peru, Colombia).
// They act on the shared order store; the flow that created an order decided
// how its payment ends (order.plannedOutcome).

export const REJECTED_BY_USER = "Rejected by user";

const paySchema = jsonObject({
  order_id: requiredString({ max: 100 }),
  status: z.enum(["accepted", "rejected"], {
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? "should not be empty"
        : "must be one of the following values: accepted, rejected",
  }),
  notification_url: httpUrl({ max: 250 }),
});

function orderIdInBody(c: Context<SandboxEnv>): string | undefined {
  const parsed = c.get("body").parsed;
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const id = parsed.value.order_id;
  return typeof id === "string" ? id : undefined;
}

export function registerPaymentRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const notifyStatus = (orderId: string, status: OrderStatus): void => {
    const order = ctx.orders.get(orderId);
    if (order?.paymentNotificationUrl == null) throw new Error(`order ${orderId} has no payment notification_url`);
    ctx.notify(orderId, order.paymentNotificationUrl, status, paymentCallback(order, status, ctx.now()));
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
    if (ctx.orders.get(orderId) === undefined) return c.json(receiptNotFound(orderId), 404);

    switch (status) {
      case "accepted": {
        const moved = ctx.orders.transition(orderId, "PROCESSING", { paymentNotificationUrl: notificationUrl });
        if (moved.kind !== "moved") return c.json(conflict(), 409);
        ctx.stats.count("pay", "effects", orderId);
        ctx.later(orderId, () => notifyStatus(orderId, "PROCESSING"));
        ctx.later(orderId, () => settle(orderId));
        return c.json(paymentAccepted(), 200);
      }
      case "rejected": {
        const moved = ctx.orders.transition(orderId, "CANCELED", {
          paymentNotificationUrl: notificationUrl,
          errorCode: REJECTED_BY_USER,
        });
        if (moved.kind !== "moved") return c.json(conflict(), 409);
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

  const orderIdInPath = (c: Context<SandboxEnv>): string | undefined => c.req.param("order_id");

  app.get(ENDPOINTS["payment-status"].path, ctx.endpoint("payment-status", { orderIdOf: orderIdInPath }), (c) => {
    const orderId = c.req.param("order_id");
    const order = orderId === undefined ? undefined : ctx.orders.get(orderId);
    if (orderId === undefined || order === undefined) return c.json(receiptNotFound(orderId ?? ""), 404);
    return c.json(paymentStatus(order), 200);
  });
}
