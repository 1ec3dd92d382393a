import type { PaymentStatusChanged } from "@riel/schemas";
import { catalog, createRegistryCodec, DecodeError, topics } from "@riel/schemas";

export type { Envelope, Money, PaymentStatusChanged, PayerInstructions, StatusSource } from "@riel/schemas";
export { DecodeError } from "@riel/schemas";

/** Riel's public topic: one `PaymentStatusChanged` per status a payment enters, keyed by payment id. */
export const PAYMENT_EVENTS_TOPIC = topics.paymentEvents.name;

export interface PaymentEventsDecoder {
  /** A record's value (Confluent wire format: magic byte, schema id, Avro body) as a typed event. */
  decode(bytes: Buffer): Promise<PaymentStatusChanged>;
}

/**
 * For downstream consumers of Riel's payment events: reads records written with any version of
 * the schema the registry holds, through this package's version (BACKWARD compatible, so older
 * and newer writers both read). It only reads the registry; it never registers anything.
 * Delivery is at-least-once: drop a repeat by `envelope.eventId`.
 */
export function createPaymentEventsDecoder(options: { readonly registryUrl: string }): PaymentEventsDecoder {
  const codec = createRegistryCodec({ url: options.registryUrl, catalog, topics: [topics.paymentEvents] });
  return {
    async decode(bytes) {
      const record = await codec.decode(PAYMENT_EVENTS_TOPIC, bytes);
      if (record.type !== "riel.events.PaymentStatusChanged") throw new DecodeError(`${PAYMENT_EVENTS_TOPIC} carried ${record.type}`);
      return record.value as PaymentStatusChanged;
    },
  };
}
