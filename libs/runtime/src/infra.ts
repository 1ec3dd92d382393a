import { z } from "zod";
import type { Bus, TopicConfig } from "@riel/bus";
import { createBus, createKafkaTransport, createMemoryTransport, MemoryBroker } from "@riel/bus";
import type { Env } from "@riel/config";
import { loadConfig, vars } from "@riel/config";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, createRegistryCodec, topics } from "@riel/schemas";
import type { Store } from "@riel/store";
import { createMemoryStore, createRedisStore } from "@riel/store";
import { withRegistrationLock } from "./registry-lock.js";

export const infraSchema = z.object({
  KAFKA_BROKERS: vars.kafkaBrokers,
  SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081"),
  REDIS_URL: vars.redisUrl,
  TOPIC_PARTITIONS: vars.positiveInt(6, "partitions of each topic Riel creates"),
  CONSUMER_CONCURRENCY: vars.positiveInt(16, "records of different payments handled at once per partition"),
  KAFKA_SESSION_TIMEOUT_MS: vars.positiveInt(30_000, "ms before a silent consumer's partitions go to others; the broker allows 6000 and up"),
});
export type InfraConfig = z.infer<typeof infraSchema>;

/** The embedded mode: everything in this process, nothing outside it. */
export interface EmbeddedInfra {
  readonly kind: "embedded";
  readonly broker: MemoryBroker;
  readonly store: Store;
  readonly partitions: number;
}

export type InfraSettings = { readonly kind: "real"; readonly config: InfraConfig } | EmbeddedInfra;

/** Real infrastructure when any of its variables is set (and then all must be valid); the embedded twins otherwise. */
export function infraFromEnv(env: Env): InfraSettings {
  const given = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "REDIS_URL"].some((k) => env[k] !== undefined && env[k] !== "");
  if (!given) return { kind: "embedded", broker: new MemoryBroker(), store: createMemoryStore(), partitions: 6 };
  return { kind: "real", config: loadConfig(infraSchema, env) };
}

export function topicConfigs(partitions: number): TopicConfig[] {
  return Object.values(topics).map((t) => ({ name: t.name, partitions }));
}

export interface Infra {
  readonly bus: Bus<RielTopics>;
  readonly store: Store;
  readonly concurrency: number;
  close(): Promise<void>;
}

/** Connects the bus and store of one service and creates the topics. */
export async function connectInfra(settings: InfraSettings, clientId: string, log: (line: string) => void): Promise<Infra> {
  const specs = Object.values(topics);
  if (settings.kind === "embedded") {
    const bus = createBus<RielTopics>({ transport: createMemoryTransport(settings.broker), codec: createLocalCodec({ catalog, topics: specs }), log });
    await bus.start(topicConfigs(settings.partitions));
    return { bus, store: settings.store, concurrency: 16, close: () => bus.close() };
  }
  const { config } = settings;
  const store = createRedisStore({ url: config.REDIS_URL });
  const bus = createBus<RielTopics>({
    transport: createKafkaTransport({ brokers: config.KAFKA_BROKERS, clientId, log, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS }),
    codec: createRegistryCodec({
      url: config.SCHEMA_REGISTRY_URL,
      catalog,
      topics: specs,
      exclusive: (work) => withRegistrationLock(store.idempotency, work),
    }),
    log,
    defaultConcurrency: config.CONSUMER_CONCURRENCY,
  });
  try {
    await bus.start(topicConfigs(config.TOPIC_PARTITIONS));
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    bus,
    store,
    concurrency: config.CONSUMER_CONCURRENCY,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}

/** SIGTERM and SIGINT: finish what is in flight, commit, disconnect, exit. */
export function onShutdown(stop: () => Promise<void>, log: (line: string) => void): void {
  let stopping = false;
  const handle = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight work`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => handle("SIGTERM"));
  process.once("SIGINT", () => handle("SIGINT"));
}
