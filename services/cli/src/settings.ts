import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { loadConfig, vars, withEnvFile } from "@riel/config";

/** Where Kafka, Redis and the schema registry are: the environment, else a running local stack's .stack/env. */
export interface InfraSettings {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly redisUrl: string;
}

function environment(): NodeJS.ProcessEnv {
  const dir = process.env.RIEL_STACK_DIR ?? new URL("../../../.stack", import.meta.url).pathname;
  const file = `${dir}/env`;
  return withEnvFile(process.env, existsSync(file) ? readFileSync(file, "utf8") : undefined);
}

export function infraSettings(): InfraSettings {
  const config = loadConfig(
    z.object({ KAFKA_BROKERS: vars.kafkaBrokers, REDIS_URL: vars.redisUrl, SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081") }),
    environment(),
  );
  return { kafkaBrokers: config.KAFKA_BROKERS, schemaRegistryUrl: config.SCHEMA_REGISTRY_URL, redisUrl: config.REDIS_URL };
}

/** A failure the user can fix: printed as one line, exit code 1 (2 for a bad argument). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
