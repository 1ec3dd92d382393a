import { bodyStringField, type SandboxEnv } from "@riel/sandbox-kit";
import type { Context, Hono } from "hono";
import type { z } from "zod";
import { lookupBrebKey } from "../dict-key/breb-directory.js";
import { isBrebKey } from "../dict-key/breb-key-format.js";
import { lookupDictKey, type DictLookup } from "../dict-key/dict-directory.js";
import { classifyDictKey } from "../dict-key/dict-key-format.js";
import { ENDPOINTS } from "../endpoints.js";
import { badRequest, DICT_KEY_FORMAT_MESSAGE, invalidDictKey } from "../http/error-bodies.js";
import { httpUrl, jsonObject, optionalCountryCode, positiveAmount, requiredString, userSchema, validateBody } from "../http/validation.js";
import { BRL_RATES, convertAmount } from "../money/fx-rates.js";
import type { SandboxContext } from "../sandbox-context.js";
import { previewAccepted, previewCallback, validationResponse } from "../wire/depay-bodies.js";

// The DICT key endpoints: validate a key, ask for a preview (the order arrives
// by callback). `local_country` (default BR) picks the directory: Brazil's Pix
// DICT (depay-brazil-pix-dict-key.txt) or Colombia's Bre-B
// (depay-colombia-breb-key.txt; in COP, not BRL as that document says: gap 5).
// Paying, refunds and the status query are shared with every flow.

interface Directory {
  readonly localCurrency: string;
  lookup(key: string): DictLookup;
}

const NOT_FOUND: DictLookup = { kind: "not_found" };

/** Any other country: no directory, every key unknown (INVALID_DICT_KEY). */
const DIRECTORIES: Readonly<Record<string, Directory>> = {
  BR: {
    localCurrency: "BRL",
    lookup(key) {
      // A Bre-B key ("@...") is not a Pix key: DICT does not know it.
      const type = classifyDictKey(key);
      return type === undefined ? NOT_FOUND : lookupDictKey(key, type);
    },
  },
  CO: {
    localCurrency: "COP",
    lookup: (key) => (isBrebKey(key) ? lookupBrebKey(key) : NOT_FOUND),
  },
};

function directoryOf(country: string | undefined): Directory | undefined {
  const code = country ?? "BR";
  return Object.hasOwn(DIRECTORIES, code) ? DIRECTORIES[code] : undefined;
}

/**
 * The field rule on dict_key: for Brazil, a Pix format, or a Bre-B-looking
 * "@" key, which is well-formed but unknown to DICT. With local_country CO
 * the Bre-B directory judges every key itself (INVALID_DICT_KEY).
 */
const pixFormatKey = requiredString().refine((key) => key.startsWith("@") || classifyDictKey(key) !== undefined, {
  error: DICT_KEY_FORMAT_MESSAGE,
});

function schemasFor(dictKey: z.ZodType<string>) {
  return {
    validate: jsonObject({ dict_key: dictKey, local_country: optionalCountryCode() }),
    preview: jsonObject({
      dict_key: dictKey,
      amount: positiveAmount(),
      external_reference: requiredString({ max: 100 }),
      notification_url: httpUrl({ max: 250 }),
      local_country: optionalCountryCode(),
      user: userSchema(Object.keys(BRL_RATES)),
    }),
  };
}

const PIX_SCHEMAS = schemasFor(pixFormatKey);
const BREB_SCHEMAS = schemasFor(requiredString());

/** The country decides which rule dict_key follows, so it is read before validation. */
const schemasOf = (c: Context<SandboxEnv>) => (bodyStringField(c, "local_country")?.toUpperCase() === "CO" ? BREB_SCHEMAS : PIX_SCHEMAS);

export function registerDictKeyRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.post(ENDPOINTS["validate-dict-key"].path, ctx.endpoint("validate-dict-key"), (c) => {
    const input = validateBody(schemasOf(c).validate, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const found = directoryOf(input.data.local_country)?.lookup(input.data.dict_key) ?? NOT_FOUND;
    if (found.kind === "not_found") return c.json(invalidDictKey(), 400);
    return c.json(validationResponse(found.recipient), 200);
  });

  app.post(ENDPOINTS["preview-dict-key"].path, ctx.endpoint("preview-dict-key"), (c) => {
    const input = validateBody(schemasOf(c).preview, c.get("body"));
    if (!input.ok) return c.json(badRequest(input.messages), 400);
    const { dict_key, amount, external_reference, notification_url, local_country, user } = input.data;
    const directory = directoryOf(local_country);
    const found = directory?.lookup(dict_key) ?? NOT_FOUND;
    if (directory === undefined || found.kind === "not_found") return c.json(invalidDictKey(), 400);
    const { localCurrency } = directory;
    const userAmount = convertAmount(amount, localCurrency, user.currency);
    if (userAmount === undefined) return c.json(badRequest(["user.currency is not supported"]), 400);

    const order = ctx.orders.create({
      id: ctx.newOrderId(),
      paymentType: "DICT_KEY",
      qrType: null,
      status: "CREATED",
      externalReference: external_reference,
      localAmount: amount,
      localCurrency,
      userAmount,
      userCurrency: user.currency,
      merchant: {
        name: found.recipient.name,
        identificationNumber: found.recipient.identificationNumber,
        branchOffice: "",
      },
      plannedOutcome: found.outcome,
      callbacksAfterPay: found.callbacksAfterPay,
      previewNotificationUrl: notification_url,
    });
    ctx.stats.count("preview-dict-key", "effects", order.id);
    ctx.expiry.arm(order.id);
    ctx.later(order.id, () => ctx.notify(order.id, order.previewNotificationUrl, "preview", previewCallback(order)));
    return c.json(previewAccepted(external_reference, localCurrency), 200);
  });
}
