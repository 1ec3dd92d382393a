import type { SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { z } from "zod";
import { lookupPeruKey } from "../dict-key/peru-directory.js";
import { classifyPeruKey } from "../dict-key/peru-key-format.js";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, DICT_KEY_FORMAT_MESSAGE, invalidDictKey } from "../http/error-bodies.js";
import { httpUrl, jsonObject, oneOf, positiveAmount, requiredString, userFields, validateBody } from "../http/validation.js";
import { BRL_RATES, convertAmount } from "../money/fx-rates.js";
import type { SandboxContext } from "../sandbox-context.js";
import { previewAccepted, previewCallback } from "../wire/depay-bodies.js";

// Peru CCI / phone keys (depay-peru-cci-phone.txt): a preview only (no
// validation endpoint is documented); a phone key's preview also offers the
// owner's wallets, one of which the pay request must name (wallet-choice.ts).
// Paying, refunds and the status query are shared with every flow.

const LOCAL_CURRENCY = "PEN";

/**
 * Provider docs gap 4: the document lists Argentine types (DNI, CUIT, CUIL);
 * the sandbox takes Peru's: DNI, carné de extranjería, RUC, passport.
 */
export const PERU_TAX_ID_TYPES = ["DNI", "CE", "RUC", "PASSPORT"] as const;

const dictKey = requiredString().transform((key, ctx) => {
  const type = classifyPeruKey(key);
  if (type === undefined) {
    // The document's own text, copied from Brazil's (gap 4).
    ctx.addIssue({ code: "custom", message: DICT_KEY_FORMAT_MESSAGE });
    return z.NEVER;
  }
  return { key, type };
});

const previewSchema = jsonObject({
  dict_key: dictKey,
  amount: positiveAmount(),
  external_reference: requiredString({ max: 100 }),
  notification_url: httpUrl({ max: 250 }),
  user: jsonObject({ ...userFields(Object.keys(BRL_RATES)), tax_id_type: oneOf(PERU_TAX_ID_TYPES) }),
});

export function registerPeruRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.post(ENDPOINTS["preview-dict-key-peru"].path, ctx.endpoint("preview-dict-key-peru"), (c) => {
    const input = validateBody(previewSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { dict_key, amount, external_reference, notification_url, user } = input.data;
    const found = lookupPeruKey(dict_key.key, dict_key.type);
    if (found.kind === "not_found") return c.json(invalidDictKey(), 400);
    const userAmount = convertAmount(amount, LOCAL_CURRENCY, user.currency);
    if (userAmount === undefined) return c.json(badRequest(["user.currency is not supported"]), 400);

    const order = ctx.orders.create({
      id: ctx.newOrderId(),
      paymentType: "DICT_KEY",
      qrType: null,
      status: "CREATED",
      externalReference: external_reference,
      localAmount: amount,
      localCurrency: LOCAL_CURRENCY,
      userAmount,
      userCurrency: user.currency,
      merchant: found.merchant,
      plannedOutcome: found.outcome,
      wallets: found.wallets,
      previewNotificationUrl: notification_url,
    });
    ctx.stats.count("preview-dict-key-peru", "effects", order.id);
    ctx.expiry.arm(order.id);
    ctx.later(order.id, () => ctx.notify(order.id, order.previewNotificationUrl, "preview", previewCallback(order)));
    return c.json(previewAccepted(external_reference, LOCAL_CURRENCY), 200);
  });
}
