import type { SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { z } from "zod";
import { lookupDictKey } from "../dict-key/dict-directory.js";
import { classifyDictKey } from "../dict-key/dict-key-format.js";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, DICT_KEY_FORMAT_MESSAGE, invalidDictKey } from "../http/error-bodies.js";
import { httpUrl, jsonObject, positiveAmount, requiredString, userSchema, validateBody } from "../http/validation.js";
import { BRL_RATES, convertAmount } from "../money/fx-rates.js";
import type { SandboxContext } from "../sandbox-context.js";
import { previewAccepted, previewCallback, validationResponse } from "../wire/depay-bodies.js";

// Brazil Pix DICT key flow (depay-brazil-pix-dict-key.txt): validate a key,
// ask for a preview (the order arrives by callback). Paying and the status
// query are shared with every flow (payments.ts).

const LOCAL_CURRENCY = "BRL";

const dictKey = requiredString().transform((key, ctx) => {
  const type = classifyDictKey(key);
  if (type === undefined) {
    ctx.addIssue({ code: "custom", message: DICT_KEY_FORMAT_MESSAGE });
    return z.NEVER;
  }
  return { key, type };
});

const validateSchema = jsonObject({ dict_key: dictKey });

const previewSchema = jsonObject({
  dict_key: dictKey,
  amount: positiveAmount(),
  external_reference: requiredString({ max: 100 }),
  notification_url: httpUrl({ max: 250 }),
  user: userSchema(Object.keys(BRL_RATES)),
});

export function registerPixDictKeyRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.post(ENDPOINTS["validate-dict-key"].path, ctx.endpoint("validate-dict-key"), (c) => {
    const input = validateBody(validateSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const found = lookupDictKey(input.data.dict_key.key, input.data.dict_key.type);
    if (found.kind === "not_found") return c.json(invalidDictKey(), 400);
    return c.json(validationResponse(found.recipient), 200);
  });

  app.post(ENDPOINTS["preview-dict-key"].path, ctx.endpoint("preview-dict-key"), (c) => {
    const input = validateBody(previewSchema, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { dict_key, amount, external_reference, notification_url, user } = input.data;
    const found = lookupDictKey(dict_key.key, dict_key.type);
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
      merchant: {
        name: found.recipient.name,
        identificationNumber: found.recipient.identificationNumber,
        branchOffice: "",
      },
      plannedOutcome: found.outcome,
      previewNotificationUrl: notification_url,
    });
    ctx.stats.count("preview-dict-key", "effects", order.id);
    ctx.expiry.arm(order.id);
    ctx.later(order.id, () => ctx.notify(order.id, order.previewNotificationUrl, "preview", previewCallback(order)));
    return c.json(previewAccepted(external_reference, LOCAL_CURRENCY), 200);
  });
}
