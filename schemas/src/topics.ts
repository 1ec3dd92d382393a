import type { RecordTypes } from "./generated/index.js";

/** A topic and the record types it may carry (by Avro full name). */
export interface TopicSpec<Name extends string = string> {
  readonly name: string;
  readonly records: readonly Name[];
  readonly doc: string;
}

/**
 * Riel's topics, the one place where names and record types meet. Every record is keyed
 * by payment id, so all records of one payment stay in order on one partition.
 */
export const topics = {
  paymentCommands: {
    name: "riel.payment-commands.v1",
    records: ["riel.commands.InitiatePayment", "riel.commands.ConfirmPayment", "riel.commands.SetPaymentAmount", "riel.commands.RefundPayment", "riel.commands.SyncPayment"],
    doc: "Commands from the ingress API or straight from upstream systems.",
  },
  providerEvents: {
    name: "riel.provider-events.v1",
    // ProviderPreviewReceived and ProviderStatusReceived (provider vocabulary) are no longer carried.
    records: ["riel.events.ProviderReported", "riel.events.PaymentRefused", "riel.events.PaymentNeedsAttention"],
    doc: "What the providers told us (callbacks, responses, status queries) and what a connector refused.",
  },
  paymentEvents: {
    name: "riel.payment-events.v1",
    records: ["riel.events.PaymentStatusChanged", "riel.events.PaymentNeedsAttention"],
    doc: "Public: normalized status changes for downstream consumers, and payments reconciliation gave up on.",
  },
} as const satisfies Record<string, TopicSpec<keyof RecordTypes>>;

export type Topics = typeof topics;
export type TopicKey = keyof Topics;

/** The decoded form of a record: its Avro full name beside its value, so handlers can switch on it. */
export type Typed<Types, Name extends keyof Types> = Name extends keyof Types ? { readonly type: Name; readonly value: Types[Name] } : never;

/** What may be published to or read from topic K. */
export type TopicRecord<K extends TopicKey> = Typed<RecordTypes, Topics[K]["records"][number]>;

export type TopicName = Topics[TopicKey]["name"];

/** Every topic by name, with the records it carries: what the bus is typed with. */
export type RielTopics = { [K in TopicKey as Topics[K]["name"]]: TopicRecord<K> };
