import { fractionDigits, parseDecimal, toPlainString, type SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { z } from "zod";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, invalidQr, notWaitingAmount, orderExpired, QR_FORMAT_MESSAGE, receiptNotFound } from "../http/error-bodies.js";
import { httpUrl, jsonObject, positiveAmount, requiredString, userSchema, validateBody } from "../http/validation.js";
import { decimalsRule, minorUnitsOf, qrCurrency } from "../money/currencies.js";
import { BRL_RATES, convertAmount } from "../money/fx-rates.js";
import type { Order, OrderStatus } from "../orders/order-store.js";
import { lookupQrMerchant } from "../qr/merchant-directory.js";
import { readMerchantQr, type MerchantQr } from "../qr/merchant-qr.js";
import type { SandboxContext } from "../sandbox-context.js";
import { awaitingAmountCallback, previewAccepted, previewAmountAccepted, previewCallback } from "../wire/depay-bodies.js";
import { orderIdInBody } from "./payments.js";

// EMVCo QR flow (depay-qr-code.txt): a preview from the code; a closed amount
// is announced at once, an open amount waits for the payer's amount (PUT), an
// Argentine merchant who types the amount at its POS waits for the merchant
// (PROCESS_LATER, simulated by an admin route). Paying and the status query
// are shared with every flow (payments.ts).

const qrCode = requiredString().transform((text, ctx) => {
  const read = readMerchantQr(text);
  if (!read.ok) {
    ctx.addIssue({ code: "custom", message: QR_FORMAT_MESSAGE });
    return z.NEVER;
  }
  return read.qr;
});

const previewSchema = jsonObject({
  qr: qrCode,
  external_reference: requiredString({ max: 100 }),
  notification_url: httpUrl({ max: 250 }),
  user: userSchema(Object.keys(BRL_RATES)),
});

/** The amount's decimals are checked against the order's currency once the order is found. */
const amountSchema = jsonObject({
  order_id: requiredString({ max: 100 }),
  amount: positiveAmount(null),
});

/** Argentina only (README gap 11): a static ARS code without amount, of a merchant who types the amount at its POS. */
function waitsForMerchant(qr: MerchantQr, currency: string, entersAmountAtPos: boolean): boolean {
  return qr.country === "AR" && currency === "ARS" && qr.initiation === "STATIC" && entersAmountAtPos;
}

export type AmountEntry =
  | { readonly kind: "accepted"; readonly order: Order }
  | { readonly kind: "not_found" }
  | { readonly kind: "expired" }
  | { readonly kind: "not_waiting"; readonly status: OrderStatus }
  | { readonly kind: "too_precise"; readonly message: string };

/**
 * Gives an order waiting in `waiting` its amount (in the QR's currency), moves
 * it to CREATED with a fresh expiry and announces the preview. Shared by the
 * payer's PUT (WAITING_AMOUNT) and the merchant's admin route (PROCESS_LATER).
 */
export function enterAmount(ctx: SandboxContext, orderId: string, amount: string, waiting: "WAITING_AMOUNT" | "PROCESS_LATER"): AmountEntry {
  const order = ctx.orders.get(orderId);
  if (order === undefined) return { kind: "not_found" };
  if (ctx.expiry.hasExpired(orderId)) return { kind: "expired" };
  if (order.status !== waiting) return { kind: "not_waiting", status: order.status };
  const decimal = parseDecimal(amount);
  const minorUnits = minorUnitsOf(order.localCurrency);
  if (decimal === undefined || fractionDigits(decimal) > minorUnits) return { kind: "too_precise", message: `amount ${decimalsRule(minorUnits)}` };
  const localAmount = toPlainString(decimal);
  const userAmount = convertAmount(localAmount, order.localCurrency, order.userCurrency);
  if (userAmount === undefined) throw new Error(`order ${orderId}: no rate from ${order.localCurrency} to ${order.userCurrency}`);
  const moved = ctx.orders.transition(orderId, "CREATED", { amounts: { localAmount, userAmount } });
  if (moved.kind !== "moved") throw new Error(`order ${orderId} could not move to CREATED: ${moved.kind}`);
  ctx.expiry.arm(orderId);
  const created = moved.order;
  ctx.later(orderId, () => ctx.notify(orderId, created.previewNotificationUrl, "preview", previewCallback(created)));
  return { kind: "accepted", order: created };
}

export function registerQrCodeRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.post(ENDPOINTS["preview-qr"].path, ctx.endpoint("preview-qr"), (c) => {
    const input = validateBody(previewSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { qr, external_reference, notification_url, user } = input.data;
    const currency = qrCurrency(qr.currencyNumeric);
    const merchant = lookupQrMerchant(qr);
    if (currency === undefined || merchant.kind === "unknown") return c.json(invalidQr(), 400);

    let localAmount: string | null = null;
    let userAmount: string | null = null;
    if (qr.amount !== null) {
      const decimal = parseDecimal(qr.amount);
      if (decimal === undefined || fractionDigits(decimal) > currency.minorUnits) return c.json(invalidQr(), 400);
      localAmount = toPlainString(decimal);
      userAmount = convertAmount(localAmount, currency.code, user.currency) ?? null;
      if (userAmount === null) return c.json(badRequest(["user.currency is not supported"]), 400);
    }
    const status =
      localAmount !== null ? "CREATED" : waitsForMerchant(qr, currency.code, merchant.entersAmountAtPos) ? "PROCESS_LATER" : "WAITING_AMOUNT";

    const order = ctx.orders.create({
      id: ctx.newOrderId(),
      paymentType: "QR_CODE",
      // The merchant's amount is not the payer's: a PROCESS_LATER order is previewed as closed_amount once it has one.
      qrType: status === "WAITING_AMOUNT" ? "open_amount" : "closed_amount",
      status,
      externalReference: external_reference,
      localAmount,
      localCurrency: currency.code,
      userAmount,
      userCurrency: user.currency,
      merchant: merchant.merchant,
      plannedOutcome: merchant.outcome,
      callbacksAfterPay: merchant.callbacksAfterPay,
      previewNotificationUrl: notification_url,
    });
    ctx.stats.count("preview-qr", "effects", order.id);
    ctx.expiry.arm(order.id);
    const body = status === "CREATED" ? previewCallback(order) : awaitingAmountCallback(order);
    ctx.later(order.id, () => ctx.notify(order.id, order.previewNotificationUrl, status === "CREATED" ? "preview" : status, body));
    return c.json(previewAccepted(external_reference, currency.code, localAmount === null ? "missing_amount" : "success"), 200);
  });

  app.put(ENDPOINTS["preview-qr-amount"].path, ctx.endpoint("preview-qr-amount", { orderIdOf: orderIdInBody }), (c) => {
    const input = validateBody(amountSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { order_id: orderId, amount } = input.data;
    const entry = enterAmount(ctx, orderId, amount, "WAITING_AMOUNT");
    switch (entry.kind) {
      case "accepted":
        ctx.stats.count("preview-qr-amount", "effects", orderId);
        return c.json(previewAmountAccepted(), 200);
      case "not_found":
        return c.json(receiptNotFound(orderId), 404);
      case "expired":
        return c.json(orderExpired(), 409);
      case "not_waiting":
        return c.json(notWaitingAmount(), 409);
      case "too_precise":
        return c.json(badRequest([entry.message]), 400);
      default: {
        const unreachable: never = entry;
        throw new Error(`unknown amount entry ${JSON.stringify(unreachable)}`);
      }
    }
  });
}
