import { randomBytes } from "node:crypto";
import { z } from "zod";
import { PAYMENT_STATUSES } from "@riel/rails";
import type { WebhookStore } from "@riel/store";

/**
 * What an endpoint can subscribe to: `payment.<status>` for each status a payment can enter (its
 * PaymentStatusChanged), `payment.needs_attention` (reconciliation gave up asking), or `*` for all.
 */
export const EVENT_TYPES = [...PAYMENT_STATUSES.map((s) => `payment.${s.toLowerCase()}`), "payment.needs_attention"] as const;
export const ALL_EVENTS = "*";

const isEventType = (t: string): boolean => t === ALL_EVENTS || (EVENT_TYPES as readonly string[]).includes(t);

/** A URL a merchant receives webhooks at: http(s), no credentials in it, no fragment. */
export const endpointUrlSchema = z
  .string()
  .max(2_000, "must be at most 2000 characters")
  // URL parsing would quietly percent-encode them; the stored URL would not be the one sent to.
  .refine((raw) => !/[\p{Cc}\s]/u.test(raw), "must not contain spaces or control characters")
  .refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "" && url.hash === "";
    } catch {
      return false;
    }
  }, "must be an absolute http or https URL with no credentials and no fragment");

export const eventTypesSchema = z
  .array(z.string().refine(isEventType, `must be * or one of ${EVENT_TYPES.join(", ")}`).meta({ enum: [ALL_EVENTS, ...EVENT_TYPES] }))
  .min(1, "must name at least one event type, or *")
  .max(EVENT_TYPES.length + 1);

/** POST /v1/webhook-endpoints. */
export const endpointRequestSchema = z.strictObject({
  // Documented narrower than the rule above (hosts by name or IPv4, no "@" or "#" at all), so that
  // schema-driven fuzzers send URLs the API takes; answers keep the plain string.
  url: endpointUrlSchema.meta({ format: "uri", pattern: "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s#@]*)?$" }),
  eventTypes: eventTypesSchema,
  description: z.string().regex(/^[\x20-\x7e]{0,200}$/, "must be at most 200 printable ASCII characters").optional(),
});
export type EndpointRequest = z.infer<typeof endpointRequestSchema>;

/** An endpoint as stored: with its signing secret, which only the API's answer to its creation shows. */
export const endpointRecordSchema = z.object({
  id: z.string().regex(/^we_[0-9a-f]{16}$/, "must be an endpoint id"),
  url: endpointUrlSchema,
  eventTypes: eventTypesSchema,
  description: z.string().nullable(),
  /** Standard Webhooks' form: `whsec_` and 32 random bytes in base64. */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{40,}$/),
  createdAt: z.string(),
});
export type EndpointRecord = z.infer<typeof endpointRecordSchema>;
/** An endpoint as shown: no secret. */
export type EndpointInfo = Omit<EndpointRecord, "secret">;

export function newEndpoint(request: EndpointRequest, now: Date): EndpointRecord {
  return {
    id: `we_${randomBytes(8).toString("hex")}`,
    url: request.url,
    eventTypes: [...new Set(request.eventTypes)],
    description: request.description ?? null,
    secret: `whsec_${randomBytes(32).toString("base64")}`,
    createdAt: now.toISOString(),
  };
}

export const endpointInfo = ({ secret: _secret, ...info }: EndpointRecord): EndpointInfo => info;

/** A stored JSON record as `schema` reads it, or null when it does not (written by a newer version, or damaged). */
export function parseStored<T>(schema: z.ZodType<T>, record: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(record));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A stored endpoint, or null when it does not read: such an endpoint gets nothing. */
export const parseEndpoint = (record: string): EndpointRecord | null => parseStored(endpointRecordSchema, record);

/** Every endpoint that reads. */
export async function readEndpoints(store: WebhookStore): Promise<EndpointRecord[]> {
  return (await store.listEndpoints()).flatMap((e) => {
    const endpoint = parseEndpoint(e.record);
    return endpoint ? [endpoint] : [];
  });
}

/** Endpoint ids as newEndpoint makes them, and delivery ids as deliveryId makes them: anything else names nothing. */
export const ENDPOINT_ID = /^we_[0-9a-f]{16}$/;
export const DELIVERY_ID = /^whd_[0-9a-f]{24}$/;

/** Whether the endpoint wants this event: it subscribed to its type, and it existed when the event happened. */
export const wants = (endpoint: EndpointRecord, type: string, occurredAt: string): boolean =>
  (endpoint.eventTypes.includes(ALL_EVENTS) || endpoint.eventTypes.includes(type)) && Date.parse(occurredAt) >= Date.parse(endpoint.createdAt);
