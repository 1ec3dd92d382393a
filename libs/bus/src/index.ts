export { createBus, DEFAULT_CONCURRENCY } from "./core.js";
export type { BusOptions, Transport, TransportSubscribeOptions, TransportSubscription } from "./core.js";
export { createKafkaTransport } from "./kafka/index.js";
export type { KafkaTransportOptions } from "./kafka/index.js";
export { createMemoryTransport, MemoryBroker } from "./memory/index.js";
export { BatchingSender } from "./batching-sender.js";
export * from "./types.js";
