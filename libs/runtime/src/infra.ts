import { z } from "zod";
import type { Bus, TopicConfig } from "@riel/bus";
import { createBus, createKafkaTransport, createMemoryTransport, MemoryBroker } from "@riel/bus";
import type { Env } from "@riel/config";
import { loadConfig, vars } from "@riel/config";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, createRegistryCodec, topics } from "@riel/schemas";
import type { Store } from "@riel/store";
import { createMemoryStore, createRedisStore } from "@riel/store";
import type { ServiceMetrics } from "./metrics.js";
import { createServiceMetrics } from "./metrics.js";
import type { Probe, Readiness } from "./readiness.js";
import { createReadiness, PROBE_TIMEOUT_MS } from "./readiness.js";
import { withRegistrationLock } from "./registry-lock.js";

export const infraSchema = z.object({
  KAFKA_BROKERS: vars.kafkaBrokers,
  SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081"),
  REDIS_URL: vars.redisUrl,
  TOPIC_PARTITIONS: vars.positiveInt(6, "partitions of each topic Riel creates"),
  CONSUMER_CONCURRENCY: vars.positiveInt(16, "records of different payments handled at once per partition"),
  // 10 s: a crashed service resumes about 10 s after its restart (30 s by kafkajs default; `pnpm bench restart`), and heartbeats go every 3 s from a loop that handlers never block.
  KAFKA_SESSION_TIMEOUT_MS: vars.positiveInt(10_000, "ms before a silent consumer's partitions go to others; the broker allows 6000 and up"),
});
export type InfraConfig = z.infer<typeof infraSchema>;

/** The embedded mode: everything in this process, nothing outside it. */
export interface EmbeddedInfra {
  readonly kind: "embedded";
  readonly broker: MemoryBroker;
  readonly store: Store;
  readonly partitions: number;
  /** What readiness calls the store: "store" unless said (a test pointing the embedded mode at a real Redis says "redis"). */
  readonly storeName?: string;
}

export type InfraSettings = { readonly kind: "real"; readonly config: InfraConfig } | EmbeddedInfra;

/** Real infrastructure when any of its variables is set (and then all must be valid); the embedded twins otherwise. */
export function infraFromEnv(env: Env): InfraSettings {
  const given = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "REDIS_URL"].some((k) => env[k] !== undefined && env[k] !== "");
  if (!given) return { kind: "embedded", broker: new MemoryBroker(), store: createMemoryStore(), partitions: 6 };
  return { kind: "real", config: loadConfig(infraSchema, env) };
}

/**
 * The topics a payment's projection is rebuilt from (`riel projections rebuild`) keep every record:
 * compaction would keep one record per payment, and a payment has many. docs/operations.md has the
 * disk this takes and how to set it on topics made before.
 */
const KEPT_FOR_REBUILD = new Set<string>([topics.paymentCommands.name, topics.providerEvents.name]);

export function topicConfigs(partitions: number): TopicConfig[] {
  return Object.values(topics).map((t) => ({ name: t.name, partitions, ...(KEPT_FOR_REBUILD.has(t.name) ? { settings: { "retention.ms": "-1" } } : {}) }));
}

export interface Infra {
  readonly bus: Bus<RielTopics>;
  readonly store: Store;
  readonly concurrency: number;
  /** This service's metrics; the bus reports into them. */
  readonly metrics: ServiceMetrics;
  /** Whether its Kafka, Redis and registry answer and it is a member of each consumer group it subscribed (the in-memory twins always are). */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

/** A round trip on the store's own connection: a read of a key no one writes. */
const storeProbe = (name: string, store: Store): Probe => ({
  name,
  run: async () => {
    await store.idempotency.ttl("riel:readiness-probe");
  },
});

/** Any answer below 500 means the registry is there (the ccompat API lists subjects at /subjects). */
const registryProbe = (url: string): Probe => ({
  name: "schema-registry",
  run: async () => {
    const response = await fetch(`${url.replace(/\/+$/, "")}/subjects`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    if (response.status >= 500) throw new Error(`answered ${response.status}`);
  },
});

function readinessOf(bus: Bus<RielTopics>, probes: readonly Probe[], metrics: ServiceMetrics): () => Promise<Readiness> {
  return createReadiness(probes, {
    extra: () => bus.memberships().map((m) => ({ name: `consumer-group ${m.group}`, ready: m.member, detail: m.member ? null : (m.detail ?? "not a member") })),
    onEvaluated: (checks) => metrics.readiness(checks),
  });
}

/** Connects the bus and store of one service and creates the topics. */
export async function connectInfra(settings: InfraSettings, clientId: string, log: (line: string) => void): Promise<Infra> {
  const specs = Object.values(topics);
  const metrics = createServiceMetrics();
  if (settings.kind === "embedded") {
    const bus = createBus<RielTopics>({ transport: createMemoryTransport(settings.broker), codec: createLocalCodec({ catalog, topics: specs }), log, observer: metrics.bus });
    await bus.start(topicConfigs(settings.partitions));
    return {
      bus,
      store: settings.store,
      concurrency: 16,
      metrics,
      readiness: readinessOf(bus, [{ name: "bus", run: () => bus.probe() }, storeProbe(settings.storeName ?? "store", settings.store)], metrics),
      close: () => bus.close(),
    };
  }
  const { config } = settings;
  const store = createRedisStore({ url: config.REDIS_URL, onConnectionError: (message) => log(`redis connection lost; reconnecting: ${message}`) });
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
    observer: metrics.bus,
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
    metrics,
    readiness: readinessOf(bus, [{ name: "kafka", run: () => bus.probe() }, storeProbe("redis", store), registryProbe(config.SCHEMA_REGISTRY_URL)], metrics),
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
