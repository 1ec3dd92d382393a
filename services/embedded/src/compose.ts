import type { Role, ServiceDefinition, SharedSettings } from "./services.js";
import { SERVICES } from "./services.js";

// The infrastructure part of docker-compose.yml: images of the same servers scripts/stack.sh runs.
const HEAD = `# Generated from services/embedded/src/services.ts by \`pnpm compose\`; edit those, not this file
# (a test fails when the two differ).
#
# Riel for machines with Docker: \`docker compose up\` runs the stack and every service, each in a
# container of its own (ingress API on http://127.0.0.1:8080). The infrastructure alone: the same
# stack as \`pnpm stack up\` (scripts/stack.sh, no Docker needed), on the same host ports:
#
#   docker compose up -d --wait kafka redis schema-registry
#   KAFKA_BROKERS=127.0.0.1:19092
#   REDIS_URL=redis://127.0.0.1:16379
#   SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7
#   docker compose down            # nothing is kept: no volumes, each \`up\` starts empty
#
# Every Riel service answers /healthz, /readyz and /metrics (Prometheus) on its HTTP port or, when it
# serves no HTTP, on an operations port of its own (OPS_PORT, published on the same host port); its
# healthcheck asks /readyz (docs/operations.md). The sandboxes' healthcheck asks /__sandbox/calls.
#
# Containers added to this file reach the stack at kafka:29092, redis://redis:6379 and
# http://schema-registry:8080/apis/ccompat/v7. The test setup (test/setup/global-setup.ts) starts
# the three services below through testcontainers when Docker answers and no other stack is found.
name: riel

services:
  # Apache Kafka 3.9, single node in KRaft mode (broker + controller)
  kafka:
    image: apache/kafka:3.9.2
    ports:
      - "127.0.0.1:19092:19092"
    environment:
      KAFKA_NODE_ID: 1
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@localhost:19093
      KAFKA_LISTENERS: PLAINTEXT://:19092,CONTROLLER://:19093,INTERNAL://:29092
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://127.0.0.1:19092,INTERNAL://kafka:29092
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT
      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER
      KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL
      KAFKA_LOG_DIRS: /var/lib/kafka/data
      # fast, single-node settings (same as scripts/stack.sh)
      KAFKA_NUM_PARTITIONS: 3
      KAFKA_DEFAULT_REPLICATION_FACTOR: 1
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1
      KAFKA_MIN_INSYNC_REPLICAS: 1
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"
      KAFKA_HEAP_OPTS: -Xmx768m -Xms256m
    healthcheck:
      test: ["CMD-SHELL", "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:19092 > /dev/null 2>&1"]
      interval: 5s
      timeout: 20s
      retries: 24
      start_period: 10s

  # Redis 7 with AOF persistence
  redis:
    image: redis:7
    command: ["redis-server", "--appendonly", "yes", "--appendfsync", "always", "--save", ""]
    ports:
      - "127.0.0.1:16379:6379"
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 2s
      timeout: 3s
      retries: 30

  # Apicurio Registry 2.4.2 (in-memory storage), Confluent-compatible API at /apis/ccompat/v7:
  # the same server scripts/stack.sh builds from Maven Central
  schema-registry:
    image: apicurio/apicurio-registry-mem:2.4.2.Final
    ports:
      - "127.0.0.1:18081:8080"
    healthcheck:
      test: ["CMD-SHELL", "curl -sf http://localhost:8080/apis/ccompat/v7/subjects > /dev/null"]
      interval: 3s
      timeout: 5s
      retries: 40
`;

const INFRA_ENV: Readonly<Record<string, string>> = {
  KAFKA_BROKERS: "kafka:29092",
  REDIS_URL: "redis://redis:6379",
  SCHEMA_REGISTRY_URL: "http://schema-registry:8080/apis/ccompat/v7",
};

/** Local, public values: docker-compose.yml is for trying Riel on one machine, never for production. */
function composeSettings(services: readonly ServiceDefinition[]): SharedSettings {
  const urls: Partial<Record<Role, string>> = {};
  for (const s of services) if (s.serves) urls[s.serves.role] = `http://${s.name}:${s.serves.containerPort}`;
  return {
    sandboxToken: "local-sandbox-token-0123456789",
    webhookSecret: "change-me-local-webhook-secret-0123456789",
    apiKey: "riel_localcompose_change-me-local-compose-key-0123456789abcde",
    dashboard: { kind: "token", token: "local-dashboard-token-change-me" },
    sandboxCallbackDelayMs: 200,
    urls,
  };
}

const yamlValue = (v: string): string => (/^[\w./:@-]+$/.test(v) && !/^\d+$/.test(v) ? v : JSON.stringify(v));

/** The port inside the container where its health is asked. */
function healthPort(def: ServiceDefinition): number {
  if (def.operations !== null && def.operations !== "serves") return def.operations.containerPort;
  if (def.serves) return def.serves.containerPort;
  throw new Error(`${def.name} serves no HTTP and has no operations port: nothing to check its health on`);
}

/** The image has Node but no curl: Node's fetch asks, and a 2xx answer is healthy. */
function healthcheck(def: ServiceDefinition): string[] {
  const probe = `fetch('http://127.0.0.1:${healthPort(def)}${def.healthPath}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return [
    "    healthcheck:",
    `      test: ["CMD", "node", "-e", ${JSON.stringify(probe)}]`,
    "      interval: 5s",
    "      timeout: 5s",
    "      retries: 12",
    // Starting runs tsx and waits for Kafka and the registry.
    "      start_period: 60s",
  ];
}

function serviceBlock(def: ServiceDefinition, shared: SharedSettings): string {
  const env: Record<string, string> = { ...(def.usesInfra ? INFRA_ENV : {}), ...def.env(shared) };
  if (def.serves) {
    env[def.serves.hostVar] = "0.0.0.0";
    env[def.serves.portVar] = String(def.serves.containerPort);
  }
  const ops = def.operations !== null && def.operations !== "serves" ? def.operations : null;
  if (ops) {
    env[ops.hostVar] = "0.0.0.0";
    env[ops.portVar] = String(ops.containerPort);
  }
  const lines = [
    `  ${def.name}:`,
    "    build: .",
    `    command: ["node", "--import", "tsx", ${JSON.stringify(def.script)}]`,
    "    environment:",
    ...Object.entries(env).map(([k, v]) => `      ${k}: ${yamlValue(v)}`),
  ];
  const published = [def.serves?.containerPort, ops?.containerPort].filter((p): p is number => p !== undefined);
  if (published.length > 0) lines.push(`    ports: [${published.map((p) => `"127.0.0.1:${p}:${p}"`).join(", ")}]`);
  lines.push(...healthcheck(def));
  const after = [
    ...(def.usesInfra ? ["kafka", "redis", "schema-registry"] : []),
    // A service that calls another's address starts after it.
    ...SERVICES.filter((s) => s !== def && s.serves && Object.values(def.env(shared)).includes(shared.urls[s.serves.role] ?? "\u0000")).map((s) => s.name),
  ];
  if (after.length > 0) {
    lines.push("    depends_on:");
    // Every service has a healthcheck, so each waits until what it calls is ready, not merely started.
    for (const name of after) lines.push(`      ${name}: { condition: service_healthy }`);
  }
  return lines.join("\n");
}

/** docker-compose.yml as SERVICES describes it. */
export function renderCompose(services: readonly ServiceDefinition[] = SERVICES): string {
  const shared = composeSettings(services);
  const blocks = services.map((s) => serviceBlock(s, shared));
  return `${HEAD}\n  # ---- Riel's services, one container each, all from the Dockerfile at the root ----\n${blocks.join("\n\n")}\n`;
}
