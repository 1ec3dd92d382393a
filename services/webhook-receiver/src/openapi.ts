import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { WebhookModule } from "@riel/provider-port";
import type { Problem } from "@riel/runtime";

const DESCRIPTION = `Where providers send their callbacks about Riel's payments.

Riel gives the provider each payment's callback URL with the payment: \`/webhooks/{provider}/{paymentId}/{token}\`, where the token is Riel's HMAC of provider and payment id. A callback is taken only with its payment's token, and only when its body speaks of the payment of its URL.

Riel answers 2xx only once what the callback says is stored (published to Kafka); on any other answer, or none, send the callback again. Sending one twice is harmless: a repeat changes nothing.`;

const problemSchema = z
  .object({
    type: z.string().openapi({ example: "about:blank" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), rule: z.string() }).openapi("FieldError"))
      .readonly()
      .optional()
      .openapi({ description: "Each broken rule of the body, by field" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

// The problem+json answers are Riel's Problem, field for field.
const _problemIsDocumented = (p: Problem): z.infer<typeof problemSchema> => p;

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: problemSchema } } });

const params = z.object({
  paymentId: z.string().openapi({ param: { name: "paymentId", in: "path" }, description: "The payment's id, as Riel put it in the callback URL", example: "6b02bd96-9a07-5a04-95bb-6222a52fe767" }),
  token: z.string().openapi({ param: { name: "token", in: "path" }, description: "The payment's token, as Riel put it in the callback URL: `{keyId}.{hmac}`, or the bare `{hmac}` (base64url) of a secret without a key id" }),
});

/** One provider's callback route: the receiver's route with the provider's name in place. */
function callbackRoute(module: WebhookModule) {
  const { provider, acknowledgement } = module;
  return createRoute({
    method: "post",
    path: `/webhooks/${provider}/{paymentId}/{token}`,
    operationId: `${provider}Callback`,
    tags: [provider],
    summary: `A callback of ${provider}`,
    description: `${provider} tells Riel what became of a payment: a status change, a preview, a refund's outcome. Riel reads the body with ${provider}'s own module, into its statuses.`,
    request: {
      params,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.record(z.string(), z.unknown()).openapi({
              description: `The callback exactly as ${provider} sends it, a JSON object in ${provider}'s own format (its documents define the fields). It must speak of the payment of its URL.`,
            }),
          },
        },
      },
    },
    responses: {
      [acknowledgement.status]: {
        description: `Taken: what it says is stored. The body is what ${provider} expects as an acknowledgement.`,
        content: { "application/json": { schema: z.unknown().openapi({ description: `${provider}'s acknowledgement` }), example: acknowledgement.body } },
      },
      400: problem("The body is not a JSON object, breaks the provider's format, or speaks of another payment than its URL: `errors` says which field. Sending it again will not help."),
      401: problem("The token does not match the payment: the URL was not made by Riel for this payment"),
      413: problem("The body is over 64 KiB"),
      503: problem("Riel could not store the callback now: send it again"),
    },
  });
}

/** The webhook receiver's OpenAPI 3.1 document: one callback route per provider it takes callbacks of. */
export function webhookDocument(webhooks: readonly WebhookModule[]) {
  const registry = new OpenAPIHono();
  for (const module of webhooks) registry.openAPIRegistry.registerPath(callbackRoute(module));
  return registry.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Riel provider callbacks", version: "1.0.0", description: DESCRIPTION },
    tags: webhooks.map((w) => ({ name: w.provider, description: `Callbacks of ${w.provider}` })),
  });
}
