import { randomUUID } from "node:crypto";
import { fractionDigits, IDEMPOTENCY_HEADER, parseDecimal, type SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { notifyOrder } from "../callbacks/order-callbacks.js";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, conflict, receiptNotFound } from "../http/error-bodies.js";
import { jsonObject, positiveAmount, validateBody } from "../http/validation.js";
import { decimalsRule, minorUnitsOf } from "../money/currencies.js";
import { REFUNDABLE_STATUSES, requestRefund, settleRefund } from "../orders/refund-ledger.js";
import type { SandboxContext } from "../sandbox-context.js";
import { refundAccepted, refundCallback } from "../wire/depay-bodies.js";
import { orderIdInPath } from "./payments.js";

// Refunds, for every flow. The documents give the statuses, the
// idempotency-key header and the notification body but no path and no body
// (provider docs gap 1); Riel chose POST /v2/payments/{order_id}/refunds with
// {"amount": <number>} and a required idempotency-key. The refund is answered
// PROCESSING; callbackDelayMs later its notification goes to the pay request's
// notification_url.

/** A refund whose amount has exactly these cents (1.13, 20.13) is rejected by the (simulated) bank. */
export const REFUND_REJECT_CENTS = "13";
export const REFUND_REJECTED_ERROR_CODE = "REFUND_REJECTED";
export const REFUND_EXCEEDS_MESSAGE = "amount must not exceed the refundable amount";

const refundSchema = jsonObject({ amount: positiveAmount(null) });

function rejectedByBank(amount: string): boolean {
  const [, cents] = amount.split(".");
  return cents === REFUND_REJECT_CENTS;
}

export function registerRefundRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const settle = (orderId: string, refundId: string, amount: string): void => {
    const settled = settleRefund(ctx.orders, orderId, refundId, rejectedByBank(amount) ? "rejected" : "done", ctx.now());
    const [status, errorCode] = settled.kind === "rejected" ? (["REJECTED", REFUND_REJECTED_ERROR_CODE] as const) : ([settled.status, null] as const);
    notifyOrder(ctx.notify, settled.order, `refund ${status}`, refundCallback(settled.order, settled.refund, status, errorCode, ctx.now()));
  };

  app.post(ENDPOINTS.refund.path, ctx.endpoint("refund", { orderIdOf: orderIdInPath, keysPerPath: true }), (c) => {
    // Required here (optional elsewhere): a refund retried without a key could pay out twice.
    if ((c.req.header(IDEMPOTENCY_HEADER) ?? "") === "") return c.json(badRequest([`${IDEMPOTENCY_HEADER} should not be empty`]), 400);
    const input = validateBody(refundSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const orderId = c.req.param("order_id") ?? "";
    const order = ctx.orders.get(orderId);
    if (order === undefined) return c.json(receiptNotFound(orderId), 404);
    if (!REFUNDABLE_STATUSES.has(order.status)) return c.json(conflict(), 409);
    const { amount } = input.data;
    // The decimals depend on the order's currency, so they are judged once the order is known (as for the PUT amount).
    const minorUnits = minorUnitsOf(order.localCurrency);
    const decimal = parseDecimal(amount);
    if (decimal === undefined || fractionDigits(decimal) > minorUnits) return c.json(badRequest([`amount ${decimalsRule(minorUnits)}`]), 400);

    const requested = requestRefund(ctx.orders, orderId, { id: randomUUID(), amount, at: ctx.now() });
    switch (requested.kind) {
      case "accepted": {
        const refund = requested.refund;
        ctx.stats.count("refund", "effects", orderId);
        ctx.later(orderId, () => settle(orderId, refund.id, refund.amount));
        return c.json(refundAccepted(), 200);
      }
      case "exceeds_refundable":
        return c.json(badRequest([REFUND_EXCEEDS_MESSAGE]), 400);
      case "not_found":
        return c.json(receiptNotFound(orderId), 404);
      case "not_refundable":
        return c.json(conflict(), 409);
      default: {
        const unreachable: never = requested;
        throw new Error(`unknown refund request ${JSON.stringify(unreachable)}`);
      }
    }
  });
}
