import type { PaymentNeedsAttention, PaymentStatusChanged } from "@riel/schemas";
import { catalog, createRegistryCodec, DecodeError, topics } from "@riel/schemas";

export type { Envelope, Money, PaymentNeedsAttention, PaymentStatusChanged, PayerInstructions, StatusSource } from "@riel/schemas";
export { DecodeError } from "@riel/schemas";

/**
 * Riel's public topic, keyed by payment id: one `PaymentStatusChanged` per status a payment
 * enters, and a `PaymentNeedsAttention` when reconciliation gives up on a payment that is not final.
 */
export const PAYMENT_EVENTS_TOPIC = topics.paymentEvents.name;

/** A record of the public topic, by its kind. Switch on `type`; new kinds may be added (ignore those you do not know). */
export type PaymentEvent =
  | { readonly type: "PaymentStatusChanged"; readonly value: PaymentStatusChanged }
  | { readonly type: "PaymentNeedsAttention"; readonly value: PaymentNeedsAttention };

export interface PaymentEventsDecoder {
  /** A record's value (Confluent wire format: magic byte, schema id, Avro body) as a typed event. */
  decode(bytes: Buffer): Promise<PaymentEvent>;
}

/**
 * For downstream consumers of Riel's payment events: reads records written with any version of
 * the schema the registry holds, through this package's version (BACKWARD compatible, so older
 * and newer writers both read). It only reads the registry; it never registers anything.
 * Delivery is at-least-once: drop a repeat by `value.envelope.eventId`.
 */
export function createPaymentEventsDecoder(options: { readonly registryUrl: string }): PaymentEventsDecoder {
  const codec = createRegistryCodec({ url: options.registryUrl, catalog, topics: [topics.paymentEvents] });
  return {
    async decode(bytes) {
      const record = await codec.decode(PAYMENT_EVENTS_TOPIC, bytes);
      switch (record.type) {
        case "riel.events.PaymentStatusChanged":
          return { type: "PaymentStatusChanged", value: record.value as PaymentStatusChanged };
        case "riel.events.PaymentNeedsAttention":
          return { type: "PaymentNeedsAttention", value: record.value as PaymentNeedsAttention };
        default:
          throw new DecodeError(`${PAYMENT_EVENTS_TOPIC} carried ${String(record.type)}`);
      }
    },
  };
}
