import { createHash } from "node:crypto";
import { z } from "zod";
import type { TopicRecord } from "@riel/schemas";
import { parseStored } from "./endpoints.js";

/** A record of Riel's public topic, as a subscription to it hands it over. */
export type PaymentEventRecord = TopicRecord<"paymentEvents">;

/**
 * One webhook message: the same for every endpoint and every attempt. `id` is the event's id,
 * sent as `webhook-id`, so a merchant drops a repeat by it (Standard Webhooks' idempotency key).
 */
export interface WebhookMessage {
  readonly id: string;
  readonly type: string;
  readonly paymentId: string;
  readonly occurredAt: string;
  /** The JSON body, `{"type", "timestamp", "data"}` as Standard Webhooks lays it out. */
  readonly body: string;
}

const body = (type: string, timestamp: string, data: Record<string, unknown>): string => JSON.stringify({ type, timestamp, data });

export function messageOf(record: PaymentEventRecord): WebhookMessage {
  switch (record.type) {
    case "riel.events.PaymentStatusChanged": {
      const e = record.value;
      const type = `payment.${e.status.toLowerCase()}`;
      const data = {
        paymentId: e.envelope.paymentId,
        eventId: e.envelope.eventId,
        status: e.status,
        previousStatus: e.previousStatus,
        final: e.final,
        externalReference: e.externalReference,
        method: e.method,
        provider: e.provider,
        providerOrderId: e.providerOrderId,
        amount: e.amount,
        refundedAmount: e.refundedAmount,
        reason: e.reason,
        source: e.source,
        payerInstructions: e.payerInstructions,
        correlationId: e.envelope.correlationId,
      };
      return { id: e.envelope.eventId, type, paymentId: e.envelope.paymentId, occurredAt: e.envelope.occurredAt, body: body(type, e.envelope.occurredAt, data) };
    }
    case "riel.events.PaymentNeedsAttention": {
      const e = record.value;
      const type = "payment.needs_attention";
      const data = {
        paymentId: e.envelope.paymentId,
        eventId: e.envelope.eventId,
        status: e.status,
        since: e.since,
        checks: e.checks,
        reason: e.reason,
        method: e.method,
        provider: e.provider,
        externalReference: e.externalReference,
        correlationId: e.envelope.correlationId,
      };
      return { id: e.envelope.eventId, type, paymentId: e.envelope.paymentId, occurredAt: e.envelope.occurredAt, body: body(type, e.envelope.occurredAt, data) };
    }
    default: {
      const never: never = record;
      return never;
    }
  }
}

export const DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;

/** A delivery of one message to one endpoint, as the store keeps it and the API shows it (without `body`). */
export const deliveryRecordSchema = z.object({
  messageId: z.string(),
  type: z.string(),
  paymentId: z.string(),
  body: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  /** Attempts in this round (a redelivery starts a new round). */
  attempts: z.number().int().nonnegative(),
  enqueuedAt: z.string(),
  /** When this round began: the enqueue, or the latest redelivery. Retries stop a day (the policy's limit) after it. */
  since: z.string(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /** The last attempt's answer: its HTTP status, or why there was none. */
  lastResponse: z.object({ status: z.number().int().nullable(), error: z.string().nullable(), ms: z.number().nonnegative() }).nullable(),
  doneAt: z.string().nullable(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

export const parseDelivery = (record: string): DeliveryRecord | null => parseStored(deliveryRecordSchema, record);

/** The same for one message and endpoint however often its event is read: the store drops the repeat. */
export const deliveryId = (endpointId: string, messageId: string): string =>
  `whd_${createHash("sha256").update(`${endpointId}\u0000${messageId}`).digest("hex").slice(0, 24)}`;

export function newDelivery(message: WebhookMessage, now: Date): DeliveryRecord {
  const at = now.toISOString();
  return {
    messageId: message.id,
    type: message.type,
    paymentId: message.paymentId,
    body: message.body,
    status: "PENDING",
    attempts: 0,
    enqueuedAt: at,
    since: at,
    lastAttemptAt: null,
    nextAttemptAt: at,
    lastResponse: null,
    doneAt: null,
  };
}
