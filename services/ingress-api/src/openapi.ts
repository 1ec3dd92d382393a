import { OpenAPIHono } from "@hono/zod-openapi";
import { ROUTES } from "./routes.js";

const DESCRIPTION = `Riel takes a payment, drives the provider's flow, takes the provider's callbacks, and tells everyone what became of it.

A payment is asked for with \`POST /v1/payments\` (202 with its id), then followed with \`GET /v1/payments/{id}\`: the view lists the \`actions\` its status takes now and the \`nextStep\` in words. A pay-out's preview is accepted or rejected with \`confirm\`; an open-amount QR code gets its amount with \`amount\`; a paid pay-out is refunded with \`refunds\`; \`sync\` asks the provider where a payment is.

**Authentication.** Every \`/v1\` route takes an API key, \`Authorization: Bearer riel_<id>_<secret>\`, whose scopes allow the route: \`payments:create\`, \`payments:confirm\`, \`payments:refund\`, \`payments:read\`, \`payments:read:personal\`, \`admin\`. No key or an unknown or revoked one gets 401; a key without the scope (or without the payment's method, when the key names methods) gets 403. Too many requests with one key on one route get 429 with \`Retry-After\`.

**Idempotency.** Every POST that changes a payment takes an \`Idempotency-Key\` header. The same key with the same body answers the stored answer (\`Idempotent-Replayed: true\`) and does nothing twice; keys are the API key's own, so two API keys never share one; the same key with another body gets 409. A request refused with 4xx changed nothing, so the same key may be used again.

**Errors.** Every refusal is RFC 9457 \`application/problem+json\`, listing each broken rule by field in \`errors\` (\`payeeKey: CPF_CHECK_DIGIT_2: ...\`). Nothing is published for a refused request.

**Downstream.** Status changes are also published on Kafka (\`riel.payment-events.v1\`, \`PaymentStatusChanged\`, keyed by payment id).`;

/** The ingress API's OpenAPI 3.1 document, from the routes the app serves. */
export function ingressDocument() {
  const registry = new OpenAPIHono();
  registry.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "An API key: riel_<id>_<secret>" });
  for (const route of Object.values(ROUTES)) registry.openAPIRegistry.registerPath({ ...route, security: [{ apiKey: [] }] });
  return registry.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Riel payments API", version: "1.0.0", description: DESCRIPTION },
    tags: [
      { name: "Payments", description: "Pay-outs and pay-ins: ask, follow, confirm, refund" },
      { name: "Pay-ins", description: "What the payer of a pay-in needs" },
      { name: "API keys", description: "Who may call, and what: needs the admin scope" },
    ],
  });
}
