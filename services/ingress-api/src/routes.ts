import { createRoute, z } from "@hono/zod-openapi";
import type { MethodModule } from "@riel/payments";
import { amountSchema, confirmSchema, METHODS, PAYMENT_REQUEST_EXAMPLES, PAYMENT_VIEW_EXAMPLE, paymentViewSchema, refundSchema } from "@riel/payments";
import type { Problem } from "@riel/runtime";
import { API_KEY_NAME, SCOPES } from "@riel/runtime";
import { DELIVERY_STATUSES, endpointRequestSchema, EVENT_TYPES } from "@riel/webhooks";
import { paymentListQuerySchema, SCAN_LIMIT } from "./payment-list.js";

// Every route of the ingress, as the API reference documents it. The app registers its handlers on
// these paths, and the request schemas are the ones its parsers run, so the document cannot say
// something the API does not do. Nothing here validates a request: the parsers answer in Riel's
// problem+json.

/** Printable ASCII, 1 to 255 characters: what an Idempotency-Key header may hold. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

const fieldErrorSchema = z
  .object({
    field: z.string().openapi({ description: 'The field that breaks a rule: a body path (`payer.taxId`), `body`, or `header Idempotency-Key`', example: "payeeKey" }),
    rule: z.string().openapi({ description: "The rule, in words; a rails rule starts with its name", example: "CPF_CHECK_DIGIT_2: CPF second check digit should be 9" }),
  })
  .openapi("FieldError");

const problemSchema = z
  .object({
    type: z.string().openapi({ example: "about:blank" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(fieldErrorSchema).readonly().optional().openapi({ description: "Each broken rule, by field" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; a refused request changed nothing and published nothing" });

// The problem+json answers are Riel's Problem, field for field.
const _problemIsDocumented = (p: Problem): z.infer<typeof problemSchema> => p;

const problem = (description: string, example?: Problem) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema, ...(example ? { example } : {}) } },
});

const INVALID_EXAMPLE: Problem = {
  type: "about:blank",
  status: 400,
  title: "Invalid request",
  detail: "1 field(s) break a rule",
  errors: [{ field: "payeeKey", rule: "CPF_CHECK_DIGIT_2: CPF second check digit should be 9" }],
};

const invalid = problem("The body is not JSON, or breaks rules, or the Idempotency-Key is missing or malformed: `errors` lists each broken rule by field", INVALID_EXAMPLE);
const tooLarge = problem("The body is over 64 KiB");
const noPayment = problem("No payment has this id");
const unavailable = problem("Riel could not take the request now (its bus or store did not answer): retry, with the same Idempotency-Key where the route takes one");
const inProgress = "the first request with this Idempotency-Key is still being handled (retry after `Retry-After` seconds)";
/** 409 of a route that takes an Idempotency-Key: its in-progress answer says when to retry. */
const conflict = (description: string) => ({
  ...problem(description),
  headers: { "Retry-After": { description: "Seconds to wait, when the first request with this key is still in progress", schema: { type: "string" as const } } },
});

/** What every /v1 route may also answer: no or a bad key, a key without the scope, too many requests. */
const guarded = {
  401: {
    ...problem("No API key, or one that is not known or was revoked (`Authorization: Bearer riel_...`)"),
    headers: { "WWW-Authenticate": { description: "Bearer", schema: { type: "string" as const } } },
  },
  403: problem("The API key lacks the route's scope, or may not use the payment's method"),
  429: {
    ...problem("Too many requests with this API key on this route: retry after `Retry-After` seconds"),
    headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "string" as const } } },
  },
};

const paymentIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, description: "The payment's id, as the 202 of POST /v1/payments gave it", example: PAYMENT_VIEW_EXAMPLE.paymentId }),
});

const idempotencyHeader = (description: string) =>
  z.object({
    "Idempotency-Key": idempotencyKeySchema.openapi({
      param: { name: "Idempotency-Key", in: "header" },
      description: `1 to 255 printable ASCII characters, required. ${description}`,
      example: "order-1",
    }),
  });

const statusUrl = z.string().openapi({ description: "Where the payment's view is: GET it", example: `/v1/payments/${PAYMENT_VIEW_EXAMPLE.paymentId}` });
const paymentId = z.string().openapi({ example: PAYMENT_VIEW_EXAMPLE.paymentId });
const money = paymentViewSchema.shape.userAmount.unwrap();

export const paymentAcceptedSchema = z.object({ paymentId, status: z.literal("RECEIVED"), statusUrl }).openapi("PaymentAccepted");
export const decisionAcceptedSchema = z.object({ paymentId, decision: confirmSchema.shape.decision, statusUrl }).openapi("DecisionAccepted");
export const amountAcceptedSchema = z.object({ paymentId, amount: money, statusUrl }).openapi("AmountAccepted");
export const refundAcceptedSchema = z
  .object({ paymentId, refundId: z.string().openapi({ description: "Follows from payment and Idempotency-Key: the view's refunds list it" }), amount: money, status: z.literal("REQUESTED"), statusUrl })
  .openapi("RefundAccepted");
export const syncAcceptedSchema = z.object({ paymentId, statusUrl }).openapi("SyncAccepted");

const scopeSchema = z.enum(SCOPES).openapi({ description: "payments:create, payments:confirm (also an open QR code's amount), payments:refund, payments:read (also sync), payments:read:personal (a view's tax ids, account numbers and phone numbers unmasked), webhooks:manage (webhook endpoints and their deliveries), admin (API keys)" });

export const apiKeyRequestSchema = z
  .strictObject({
    name: z.string().regex(API_KEY_NAME, "must be 1 to 100 printable ASCII characters").openapi({ description: "Who holds it, for people reading the list", example: "shop-backend" }),
    scopes: z.array(scopeSchema).min(1, "must name at least one scope").max(SCOPES.length).openapi({ example: ["payments:create", "payments:confirm", "payments:read"] }),
    methods: z
      .array(z.enum(METHODS.map((m) => m.method) as [string, ...string[]]))
      .min(1, "must name at least one method, or be null for all")
      .max(METHODS.length)
      .nullable()
      .optional()
      .openapi({ description: "The payment methods it may use (create, confirm, refund); absent or null: all" }),
  })
  .openapi("ApiKeyRequest");

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: "3f9a1c0b7d2e" }),
    name: z.string(),
    scopes: z.array(scopeSchema),
    methods: z.array(z.string()).nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    configured: z.boolean().openapi({ description: "true for the key of INGRESS_API_KEY: configuration, not this API, makes and removes it" }),
  })
  .openapi("ApiKey");

export const apiKeyCreatedSchema = apiKeySchema
  .extend({ token: z.string().openapi({ description: "The key to send as `Authorization: Bearer <token>`. Shown this once: Riel keeps only its hash", example: "riel_3f9a1c0b7d2e_q0Zk..." }) })
  .openapi("ApiKeyCreated");

const apiKeyIdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "3f9a1c0b7d2e" }) });

const replayed = { "Idempotent-Replayed": { description: "`true` when this is the stored answer of an earlier request with the same key and body", schema: { type: "string" as const, enum: ["true"] } } };

/**
 * A schema of another package as a named component. zod gives an instance the prototype's methods
 * when it is built, so a schema built before this module extended zod has no `.openapi`: its clone
 * (the same definition) has.
 */
const named = <T extends z.ZodType>(schema: T, name: string, metadata: { title?: string; description?: string } = {}): T => schema.clone().openapi(name, metadata);
export const paymentPageSchema = z
  .object({
    payments: z.array(named(paymentViewSchema, "PaymentView")),
    next: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null when nothing older matches" }),
  })
  .openapi("PaymentPage");

export const webhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: "we_3f9a1c0b7d2e4a51" }),
    url: z.string().openapi({ example: "https://shop.example/riel-webhooks" }),
    eventTypes: z.array(z.string()).openapi({ example: ["payment.completed", "payment.refunded"] }),
    description: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookEndpoint");

export const webhookEndpointListedSchema = webhookEndpointSchema
  .extend({ waiting: z.number().int().openapi({ description: "How many of its payments have deliveries waiting (due now, or retrying)" }) })
  .openapi("WebhookEndpointListed");

export const webhookEndpointCreatedSchema = webhookEndpointSchema
  .extend({
    secret: z.string().openapi({
      description: "The signing secret (Standard Webhooks: `whsec_` and base64). Shown this once: verify each delivery's `webhook-signature` with it, e.g. with the `standardwebhooks` package",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  })
  .openapi("WebhookEndpointCreated");

export const webhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_0c5e2f6a9b1d3e7f8a2b4c6d" }),
    endpointId: z.string(),
    messageId: z.string().openapi({ description: "Sent as `webhook-id`: the same on every attempt and redelivery, so the merchant drops a repeat by it" }),
    type: z.string().openapi({ example: "payment.completed" }),
    paymentId: z.string(),
    status: z.enum(DELIVERY_STATUSES).openapi({ description: "PENDING (waiting, or retrying), DELIVERED (a 2xx answer), FAILED (still failing a day after its round began)" }),
    attempts: z.number().int().openapi({ description: "Attempts in this round (a redelivery starts a new one)" }),
    enqueuedAt: z.string(),
    since: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    lastResponse: z.object({ status: z.number().int().nullable(), error: z.string().nullable(), ms: z.number() }).nullable(),
    doneAt: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

export const webhookDeliveryPageSchema = z
  .object({
    deliveries: z.array(webhookDeliverySchema),
    next: z.string().nullable().openapi({ description: "Pass as `before` for older deliveries; null when there are none" }),
  })
  .openapi("WebhookDeliveryPage");

export const deliveryQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^(?:[1-9]\d?|1\d\d|200)$/, "must be a whole number from 1 to 200")
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, description: "At most this many (1 to 200, default 50)", example: "50" }),
  before: z
    .string()
    .regex(/^\d{1,15}$/, "must be a cursor from `next`")
    .optional()
    .openapi({ param: { name: "before", in: "query" }, description: "The `next` of the page before" }),
});

const webhookEndpointIdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "we_3f9a1c0b7d2e4a51" }) });
const webhookDeliveryIdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "whd_0c5e2f6a9b1d3e7f8a2b4c6d" }) });
const noEndpoint = problem("No webhook endpoint has this id");

const componentName = (method: string): string =>
  `${method
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}Request`;

function methodOption(module: MethodModule): z.ZodObject {
  if (!(module.schema instanceof z.ZodObject)) throw new Error(`method ${module.method}: its request schema must be an object with "method" as its literal discriminator`);
  return named(module.schema, componentName(module.method), { title: module.method, description: module.summary });
}

/** The body of POST /v1/payments: one branch per method of the registry, told apart by `method`. */
function paymentRequestSchema() {
  const [first, ...rest] = METHODS.map(methodOption);
  if (first === undefined) throw new Error("the method registry is empty");
  return z.discriminatedUnion("method", [first, ...rest]).openapi("PaymentRequest", {
    description: `One of the registry's methods, told apart by \`method\`:\n\n${METHODS.map((m) => `- \`${m.method}\` (${m.provider}): ${m.summary}`).join("\n")}`,
  });
}

const requestExamples = Object.fromEntries(METHODS.flatMap((m) => Object.entries(PAYMENT_REQUEST_EXAMPLES[m.method])));

export const ROUTES = {
  createApiKey: createRoute({
    method: "post",
    path: "/v1/api-keys",
    operationId: "createApiKey",
    tags: ["API keys"],
    summary: "Make an API key",
    description: "Needs `admin`. Answers the token once; Riel keeps only its hash. Takes no Idempotency-Key: a lost answer's key is never used, and can be revoked.",
    request: { body: { required: true, content: { "application/json": { schema: apiKeyRequestSchema } } } },
    responses: { 201: { description: "Made", content: { "application/json": { schema: apiKeyCreatedSchema } } }, 400: invalid, ...guarded, 413: tooLarge, 503: unavailable },
  }),
  listApiKeys: createRoute({
    method: "get",
    path: "/v1/api-keys",
    operationId: "listApiKeys",
    tags: ["API keys"],
    summary: "Every API key, revoked ones too",
    description: "Needs `admin`. Never shows a token.",
    responses: { 200: { description: "The keys", content: { "application/json": { schema: z.object({ apiKeys: z.array(apiKeySchema) }) } } }, ...guarded, 503: unavailable },
  }),
  revokeApiKey: createRoute({
    method: "delete",
    path: "/v1/api-keys/{id}",
    operationId: "revokeApiKey",
    tags: ["API keys"],
    summary: "Revoke an API key",
    description: "Needs `admin`. Every ingress instance refuses the key within 5 seconds. Revoking twice answers the same.",
    request: { params: apiKeyIdParam },
    responses: {
      200: { description: "Revoked", content: { "application/json": { schema: apiKeySchema } } },
      404: problem("No API key has this id"),
      409: problem("The key comes from configuration (INGRESS_API_KEY): remove it there"),
      ...guarded,
      503: unavailable,
    },
  }),
  createWebhookEndpoint: createRoute({
    method: "post",
    path: "/v1/webhook-endpoints",
    operationId: "createWebhookEndpoint",
    tags: ["Webhooks"],
    summary: "Register a webhook endpoint",
    description:
      "Needs `webhooks:manage`. From then on, every event of the listed types (`*`: all) is POSTed to `url` as JSON `{type, timestamp, data}`, " +
      "signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), in order per payment, retried with exponential backoff for up to a day. " +
      `Event types: ${EVENT_TYPES.map((t) => `\`${t}\``).join(", ")}. Answers the signing secret once.`,
    request: { body: { required: true, content: { "application/json": { schema: named(endpointRequestSchema, "WebhookEndpointRequest") } } } },
    responses: { 201: { description: "Registered", content: { "application/json": { schema: webhookEndpointCreatedSchema } } }, 400: invalid, ...guarded, 413: tooLarge, 503: unavailable },
  }),
  listWebhookEndpoints: createRoute({
    method: "get",
    path: "/v1/webhook-endpoints",
    operationId: "listWebhookEndpoints",
    tags: ["Webhooks"],
    summary: "Every webhook endpoint",
    description: "Needs `webhooks:manage`. Never shows a secret.",
    responses: {
      200: { description: "The endpoints", content: { "application/json": { schema: z.object({ endpoints: z.array(webhookEndpointListedSchema) }) } } },
      ...guarded,
      503: unavailable,
    },
  }),
  deleteWebhookEndpoint: createRoute({
    method: "delete",
    path: "/v1/webhook-endpoints/{id}",
    operationId: "deleteWebhookEndpoint",
    tags: ["Webhooks"],
    summary: "Remove a webhook endpoint",
    description: "Needs `webhooks:manage`. It gets nothing more, what waited for it included; its delivery log stays readable until it lapses (a week).",
    request: { params: webhookEndpointIdParam },
    responses: { 200: { description: "Removed", content: { "application/json": { schema: webhookEndpointSchema } } }, 404: noEndpoint, ...guarded, 503: unavailable },
  }),
  listWebhookDeliveries: createRoute({
    method: "get",
    path: "/v1/webhook-endpoints/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    tags: ["Webhooks"],
    summary: "An endpoint's delivery log",
    description: "Needs `webhooks:manage`. Newest first: each delivery's status, attempts, last answer and next attempt. The newest 10,000 of an endpoint are kept, each for a week.",
    request: { params: webhookEndpointIdParam, query: deliveryQuerySchema },
    responses: { 200: { description: "A page of deliveries", content: { "application/json": { schema: webhookDeliveryPageSchema } } }, 400: invalid, 404: noEndpoint, ...guarded, 503: unavailable },
  }),
  redeliverWebhook: createRoute({
    method: "post",
    path: "/v1/webhook-deliveries/{id}/redeliver",
    operationId: "redeliverWebhook",
    tags: ["Webhooks"],
    summary: "Send a delivery again",
    description:
      "Needs `webhooks:manage`. A delivered or failed delivery is sent again, the same message (same `webhook-id`), after whatever else waits for its payment at that endpoint, with a fresh day of retries. " +
      "Asking again while it waits answers 409.",
    request: { params: webhookDeliveryIdParam },
    responses: {
      202: { description: "Waiting to be sent again", content: { "application/json": { schema: webhookDeliverySchema } } },
      404: problem("No delivery has this id, or its endpoint was removed"),
      409: problem("The delivery is waiting to be sent already"),
      ...guarded,
      503: unavailable,
    },
  }),
  createPayment: createRoute({
    method: "post",
    path: "/v1/payments",
    operationId: "createPayment",
    tags: ["Payments"],
    summary: "Ask for a payment",
    description:
      "Checks the request with its method's rules, then publishes `InitiatePayment` and answers 202 with the payment's id. " +
      "The same key and body answer the same (a faithful replay, `Idempotent-Replayed: true`); another body under the same key gets 409. " +
      "The preview comes by the provider's callback: GET the payment until its `status` leaves RECEIVED.",
    request: {
      headers: idempotencyHeader("The payment's id follows from key and body: a retry after a lost answer names the same payment."),
      body: { required: true, content: { "application/json": { schema: paymentRequestSchema(), examples: requestExamples } } },
    },
    responses: {
      202: {
        description: "Accepted: published, RECEIVED",
        headers: { Location: { description: "The payment's view", schema: { type: "string" } }, ...replayed },
        content: { "application/json": { schema: paymentAcceptedSchema } },
      },
      400: invalid,
      409: conflict(`The Idempotency-Key was used with another body, or ${inProgress}`),
      413: tooLarge,
      ...guarded,
      503: unavailable,
    },
  }),
  listPayments: createRoute({
    method: "get",
    path: "/v1/payments",
    operationId: "listPayments",
    tags: ["Payments"],
    summary: "Find payments",
    description:
      "Payments newest first, by when they were created, filtered by external reference, method, provider, status and time (all optional, combined). " +
      `A page reads at most ${SCAN_LIMIT} payments: with narrow filters it may come back short, with \`next\` to read on. ` +
      "Views are masked as in GET /v1/payments/{id}; a key limited to some methods sees only payments of those.",
    request: { query: paymentListQuerySchema },
    responses: {
      200: { description: "A page of payments", content: { "application/json": { schema: paymentPageSchema } } },
      400: invalid,
      ...guarded,
      503: unavailable,
    },
  }),
  getPayment: createRoute({
    method: "get",
    path: "/v1/payments/{id}",
    operationId: "getPayment",
    tags: ["Payments"],
    summary: "A payment as it stands",
    description: "Its status, what the method adds, the provider's preview (order, collector, amounts), refunds, wallets, the payer's instructions, the `actions` its status takes, the `nextStep` in words and the whole history.",
    request: { params: paymentIdParam },
    responses: {
      200: { description: "The payment's view", content: { "application/json": { schema: named(paymentViewSchema, "PaymentView"), example: PAYMENT_VIEW_EXAMPLE } } },
      404: noPayment,
      ...guarded,
      503: unavailable,
    },
  }),
  confirmPayment: createRoute({
    method: "post",
    path: "/v1/payments/{id}/confirm",
    operationId: "confirmPayment",
    tags: ["Payments"],
    summary: "Accept or reject the preview",
    description:
      "ACCEPT pays (then PROCESSING, COMPLETED); REJECT cancels (CANCELED). A Peru phone key's ACCEPT names one of the view's `wallets` as `walletId`; every other decision names none. " +
      "Taken where the view's `actions` list the decision.",
    request: {
      params: paymentIdParam,
      headers: idempotencyHeader("Per payment: the same key and decision answer the same."),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: named(confirmSchema, "Decision"),
            examples: {
              accept: { summary: "Accept", value: { decision: "ACCEPT" } },
              reject: { summary: "Reject", value: { decision: "REJECT" } },
              wallet: { summary: "Accept, paying the wallet the payee chose (Peru phone keys)", value: { decision: "ACCEPT", walletId: "9b2f7c1e-4d3a-4f8b-9a6e-2c1d0e5f7a8b" } },
            },
          },
        },
      },
    },
    responses: {
      202: { description: "Accepted: the decision is on its way to the provider", headers: replayed, content: { "application/json": { schema: decisionAcceptedSchema } } },
      400: invalid,
      404: noPayment,
      409: conflict(`The payment's status does not take this decision now (the lifecycle says why), or ${inProgress}`),
      413: tooLarge,
      ...guarded,
      503: unavailable,
    },
  }),
  setPaymentAmount: createRoute({
    method: "post",
    path: "/v1/payments/{id}/amount",
    operationId: "setPaymentAmount",
    tags: ["Payments"],
    summary: "The amount of an open-amount QR code",
    description:
      "For a payment WAITING_AMOUNT (a QR code without an amount), in the code's currency and minor units. One amount per payment, whatever the key: the same amount again is a replay, another gets 409.",
    request: {
      params: paymentIdParam,
      headers: idempotencyHeader("Required; the amount itself is what makes a repeat a replay."),
      body: { required: true, content: { "application/json": { schema: named(amountSchema, "AmountRequest"), example: { amount: { amount: "12.30", currency: "PEN" } } } } },
    },
    responses: {
      202: { description: "Accepted: the amount is on its way to the provider", headers: replayed, content: { "application/json": { schema: amountAcceptedSchema } } },
      400: invalid,
      404: noPayment,
      409: conflict(`The payment's status takes no amount now, or its amount was already sent with another value, or ${inProgress}`),
      413: tooLarge,
      ...guarded,
      503: unavailable,
    },
  }),
  refundPayment: createRoute({
    method: "post",
    path: "/v1/payments/{id}/refunds",
    operationId: "refundPayment",
    tags: ["Payments"],
    summary: "Refund a paid pay-out, in full or in part",
    description:
      "Holds the refund against what is left of the paid amount, then sends it. Without `amount`, refunds whatever is left. Refunds never add up to more than was paid, even when they race. " +
      "The view's `refunds` list each refund and where it stands.",
    request: {
      params: paymentIdParam,
      headers: idempotencyHeader("The refund's id follows from payment and key: a retry finds its own refund."),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: named(refundSchema, "RefundRequest"),
            examples: { part: { summary: "Part of the amount", value: { amount: { amount: "4.00", currency: "BRL" } } }, rest: { summary: "Whatever is left", value: {} } },
          },
        },
      },
    },
    responses: {
      202: { description: "Accepted: the refund is held and on its way to the provider", headers: replayed, content: { "application/json": { schema: refundAcceptedSchema } } },
      400: invalid,
      404: noPayment,
      409: conflict(`The payment cannot be refunded (its status, or a method its provider does not refund), or ${inProgress}`),
      413: tooLarge,
      422: problem("The refund breaks a rule against the payment: more than is left, another currency, more minor units than the currency has, or nothing left", {
        type: "about:blank",
        status: 422,
        title: "Refund not possible",
        detail: "REFUND_EXCEEDS_REFUNDABLE: must be at most 6.50 BRL, what is left of the 10.50 BRL paid after refunds done or in flight",
        errors: [{ field: "amount.amount", rule: "REFUND_EXCEEDS_REFUNDABLE: must be at most 6.50 BRL, what is left of the 10.50 BRL paid after refunds done or in flight" }],
      }),
      ...guarded,
      503: unavailable,
    },
  }),
  syncPayment: createRoute({
    method: "post",
    path: "/v1/payments/{id}/sync",
    operationId: "syncPayment",
    tags: ["Payments"],
    summary: "Ask the provider where the payment is",
    description: "Publishes `SyncPayment`: the provider's answer is applied like a callback, with source STATUS_QUERY in the history. Takes no body and no Idempotency-Key: asking twice asks twice.",
    request: { params: paymentIdParam },
    responses: {
      202: { description: "Asked: the answer arrives in the view", content: { "application/json": { schema: syncAcceptedSchema } } },
      404: noPayment,
      409: problem("The payment has no provider order yet: its preview is still on its way"),
      413: tooLarge,
      ...guarded,
      503: unavailable,
    },
  }),
  getPaymentQr: createRoute({
    method: "get",
    path: "/v1/payments/{id}/qr.png",
    operationId: "getPaymentQr",
    tags: ["Pay-ins"],
    summary: "The QR image of a QR pay-in",
    description: "The PNG of `payerInstructions.qrPngBase64`, to put in an `<img>` as it is.",
    request: { params: paymentIdParam },
    responses: {
      200: {
        description: "The QR image",
        headers: { "Cache-Control": { schema: { type: "string" }, description: "private, max-age=60" } },
        content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } },
      },
      404: problem("No payment has this id, or it has no QR image: only pay-ins of the QR channel do, once the provider has made it"),
      ...guarded,
      503: unavailable,
    },
  }),
} as const;
