import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import type { Role, ServiceDefinition, SharedSettings } from "@riel/embedded";
import { SERVICES } from "@riel/embedded";
import type { Infra } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import { topics } from "@riel/schemas";
import type { StackSettings } from "../setup/stack-context.js";
import type { FlowEnv } from "./api.js";
import { StatusWatcher, TEST_API_KEY } from "./harness.js";
import { ServiceProcess } from "./processes.js";

export interface Cluster extends FlowEnv {
  /** By service name; further instances as `<name>#2`, `<name>#3`. */
  readonly processes: Map<string, ServiceProcess>;
  /** Every ingress instance's address (one unless `instances` was more). */
  readonly ingressUrls: readonly string[];
  /** Starts (again) the service of SERVICES with this name, with extra variables; resolves once it is ready. */
  start(name: string, extra?: Record<string, string>): Promise<ServiceProcess>;
  /** Kills the service as a crash would (SIGKILL) and starts it again on the same port; resolves once it is ready. */
  crashAndRestart(name: string): Promise<void>;
}

export interface ClusterOptions {
  /** Reconciliation's pace (SharedSettings.reconcile). */
  readonly reconcile?: SharedSettings["reconcile"];
  /** Extra variables per service name, given at every start. */
  readonly env?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Default 6000 (the broker's minimum): a killed member's partitions move on after this. */
  readonly sessionTimeoutMs?: number;
  /** Instances of every Riel service (the sandboxes stay one each): more share the consumer groups and Redis. Default 1. */
  readonly instances?: number;
  /** Only these services of SERVICES (default: all of them). */
  readonly only?: readonly string[];
}

/**
 * Every service of SERVICES in a process of its own, started the way a deployment starts them,
 * on the real Kafka, Redis and schema registry.
 */
export async function startCluster(stack: StackSettings, options: ClusterOptions = {}): Promise<Cluster> {
  const infraEnv = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(","),
    REDIS_URL: stack.redisUrl,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    // A killed member's partitions move on after 6 s (the broker's minimum) instead of 30 s.
    KAFKA_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? 6000),
  };
  const urls: Partial<Record<Role, string>> = {};
  const base = { sandboxToken: randomBytes(16).toString("hex"), webhookSecret: randomBytes(32).toString("hex"), apiKey: TEST_API_KEY, sandboxCallbackDelayMs: 0, reconcile: options.reconcile };
  const shared = (): SharedSettings => ({ ...base, urls: { ...urls } });
  const processes = new Map<string, ServiceProcess>();
  const byName = new Map<string, ServiceDefinition>(SERVICES.map((s) => [s.name, s]));

  /** Starts `instance` (1: the service's own name, and the address the others are given; more: `<name>#<n>`) of a service of SERVICES. */
  const launch = async (name: string, extra: Record<string, string>, instance: number): Promise<{ process: ServiceProcess; url: string | undefined }> => {
    const def = byName.get(name);
    if (!def) throw new Error(`no service ${name} in SERVICES`);
    const env: Record<string, string> = { ...(def.usesInfra ? infraEnv : {}), ...def.env(shared()), ...options.env?.[name], ...extra };
    if (def.serves && extra[def.serves.portVar] === undefined) env[def.serves.portVar] = "0";
    const p = new ServiceProcess(instance === 1 ? name : `${name}#${instance}`, def.script, env);
    processes.set(p.name, p);
    const url = (await p.waitForLine(def.ready))[1];
    if (instance === 1 && def.serves && url) urls[def.serves.role] = url;
    return { process: p, url: def.serves ? url : undefined };
  };
  const start = async (name: string, extra: Record<string, string> = {}): Promise<ServiceProcess> => (await launch(name, extra, 1)).process;
  const wanted = SERVICES.filter((def) => options.only === undefined || options.only.includes(def.name));
  for (const def of wanted) await start(def.name);
  const ingressUrls = [urls.ingress ?? ""];
  for (let i = 2; i <= (options.instances ?? 1); i++) {
    for (const def of wanted.filter((d) => d.usesInfra)) {
      const { url } = await launch(def.name, {}, i);
      if (def.serves?.role === "ingress" && url) ingressUrls.push(url);
    }
  }

  const watcherInfra: Infra = await connectInfra(
    { kind: "real", config: { KAFKA_BROKERS: stack.kafkaBrokers, REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 6000 } },
    "riel-e2e-watcher",
    () => {},
  );
  const watcher = await StatusWatcher.start(watcherInfra.bus);
  const admin = new Kafka({ brokers: stack.kafkaBrokers, clientId: "riel-e2e", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const url = (role: Role): string => urls[role] ?? "";
  return {
    processes,
    ingressUrls,
    ingressUrl: url("ingress"),
    webhookUrl: url("webhook"),
    sandboxUrl: url("depaySandbox"),
    tumipaySandboxUrl: url("tumipaySandbox"),
    webhookSecret: base.webhookSecret,
    publishCommand: (paymentId, record) => watcherInfra.bus.publish(topics.paymentCommands.name, paymentId, record),
    watcher,
    start,
    async crashAndRestart(name) {
      const def = byName.get(name);
      if (!def) throw new Error(`no service ${name} in SERVICES`);
      await processes.get(name)?.kill("SIGKILL");
      const served = def.serves ? urls[def.serves.role] : undefined;
      await start(name, def.serves && served ? { [def.serves.portVar]: new URL(served).port } : {});
    },
    async topicCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high), 0);
    },
    async stop() {
      await watcher.stop();
      await watcherInfra.close();
      await admin.disconnect();
      await Promise.all([...processes.values()].map((p) => p.kill("SIGTERM")));
    },
  };
}
