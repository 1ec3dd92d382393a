// Connection settings of the infrastructure stack (Kafka, Redis, schema registry), as handed from
// the vitest globalSetup (test/setup/global-setup.ts) to the tests through provide/inject.

/** Where the settings came from. */
export type StackSource = "env" | "local-stack" | "testcontainers";

export interface StackSettings {
  /** Kafka bootstrap servers, e.g. ["127.0.0.1:19092"] (KAFKA_BROKERS, comma-separated). */
  kafkaBrokers: string[];
  /** e.g. "redis://127.0.0.1:16379" (REDIS_URL). */
  redisUrl: string;
  /** Base URL of the Confluent-compatible REST API, e.g. "http://127.0.0.1:18081/apis/ccompat/v7" (SCHEMA_REGISTRY_URL). */
  schemaRegistryUrl: string;
  source: StackSource;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** null when no stack could be found or started: integration tests call requireStack(). */
    stack: StackSettings | null;
  }
}
