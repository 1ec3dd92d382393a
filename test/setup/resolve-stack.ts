// Finding the infrastructure stack's settings: from the environment, or from the .stack/env file
// that `scripts/stack.sh up` writes. Pure helpers, used by global-setup.ts (and its tests).
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import type { StackSettings, StackSource } from "./stack-context.js";

export const STACK_VARS = ["KAFKA_BROKERS", "REDIS_URL", "SCHEMA_REGISTRY_URL"] as const;
export type StackVar = (typeof STACK_VARS)[number];
export type StackVars = Partial<Record<StackVar, string>>;

/** Ports shared by scripts/stack.sh and docker-compose.yml. */
export const STACK_PORTS = { kafka: 19092, redis: 16379, schemaRegistry: 18081 } as const;
export const CCOMPAT_PATH = "/apis/ccompat/v7";

/** Parses shell-style KEY=value lines (comments, blank lines, `export ` and quotes allowed). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = (m[2] ?? "").trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    out[m[1] as string] = value;
  }
  return out;
}

export function pickStackVars(source: Record<string, string | undefined>): StackVars {
  const vars: StackVars = {};
  for (const name of STACK_VARS) {
    const v = source[name]?.trim();
    if (v) vars[name] = v;
  }
  return vars;
}

export function missingVars(vars: StackVars): StackVar[] {
  return STACK_VARS.filter((name) => !vars[name]);
}

/** Settings from the three variables; null when any is missing. */
export function settingsFromVars(vars: StackVars, source: StackSource): StackSettings | null {
  const { KAFKA_BROKERS, REDIS_URL, SCHEMA_REGISTRY_URL } = vars;
  if (!KAFKA_BROKERS || !REDIS_URL || !SCHEMA_REGISTRY_URL) return null;
  const kafkaBrokers = KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean);
  if (kafkaBrokers.length === 0) return null;
  return { kafkaBrokers, redisUrl: REDIS_URL, schemaRegistryUrl: SCHEMA_REGISTRY_URL.replace(/\/+$/, ""), source };
}

export function varsOf(settings: StackSettings): Record<StackVar, string> {
  return {
    KAFKA_BROKERS: settings.kafkaBrokers.join(","),
    REDIS_URL: settings.redisUrl,
    SCHEMA_REGISTRY_URL: settings.schemaRegistryUrl,
  };
}

export interface Endpoint {
  name: string;
  host: string;
  port: number;
}

function hostPort(name: string, hostAndPort: string, defaultPort: number): Endpoint {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(hostAndPort);
  return { name, host: m?.[1] ?? hostAndPort, port: m?.[2] ? Number(m[2]) : defaultPort };
}

/** The TCP endpoints behind the settings (first Kafka broker, Redis, registry). */
export function endpointsOf(settings: StackSettings): Endpoint[] {
  const redis = new URL(settings.redisUrl);
  const registry = new URL(settings.schemaRegistryUrl);
  return [
    hostPort("kafka", settings.kafkaBrokers[0] ?? "", 9092),
    { name: "redis", host: redis.hostname, port: redis.port ? Number(redis.port) : 6379 },
    {
      name: "schema registry",
      host: registry.hostname.replace(/^\[|\]$/g, ""),
      port: registry.port ? Number(registry.port) : registry.protocol === "https:" ? 443 : 80,
    },
  ];
}

export function tcpReachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Names of the endpoints that do not accept a TCP connection. */
export async function unreachable(settings: StackSettings, timeoutMs?: number): Promise<string[]> {
  const eps = endpointsOf(settings);
  const ok = await Promise.all(eps.map((e) => tcpReachable(e.host, e.port, timeoutMs)));
  return eps.filter((_, i) => !ok[i]).map((e) => `${e.name} (${e.host}:${e.port})`);
}

/** Settings from a running local stack's env file, or null (with the reason) when there is none. */
export async function settingsFromStackEnvFile(
  file: string,
): Promise<{ settings: StackSettings | null; reason?: string }> {
  if (!existsSync(file)) return { settings: null, reason: `${file} does not exist` };
  const settings = settingsFromVars(pickStackVars(parseEnvFile(readFileSync(file, "utf8"))), "local-stack");
  if (!settings) return { settings: null, reason: `${file} lacks one of ${STACK_VARS.join(", ")}` };
  const down = await unreachable(settings);
  if (down.length > 0) {
    return { settings: null, reason: `${file} is stale: no answer from ${down.join(", ")} (run: pnpm stack up)` };
  }
  return { settings };
}
