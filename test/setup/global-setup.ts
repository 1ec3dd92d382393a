// vitest globalSetup: finds the infrastructure stack (Kafka, Redis, schema registry) for the tests.
//
// Order:
//   1. KAFKA_BROKERS, REDIS_URL and SCHEMA_REGISTRY_URL already set in the environment;
//   2. the .stack/env file of a running local stack (`pnpm stack up`, i.e. scripts/stack.sh);
//   3. a reachable Docker daemon: docker-compose.yml's services, started with testcontainers
//      (RIEL_STACK_DOCKER=0 turns this off);
//   4. the local stack started for this run by scripts/stack.sh and stopped after it
//      (RIEL_STACK_AUTO=0 turns this off);
//   5. none: the settings are null. Unit tests run as usual; integration tests call requireStack()
//      (test/setup/stack.ts), which fails with instructions.
// The settings reach the tests as inject("stack"), and the three variables are put in process.env
// so that processes spawned by end-to-end tests inherit them.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { StackSettings } from "./stack-context.js";
import { missingVars, pickStackVars, settingsFromStackEnvFile, settingsFromVars, STACK_VARS, varsOf } from "./resolve-stack.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

function log(message: string): void {
  console.log(`[stack] ${message}`);
}

interface Resolved {
  settings: StackSettings;
  teardown?: () => Promise<void>;
}

async function resolveStack(): Promise<Resolved | null> {
  // 1. the environment
  const fromEnv = pickStackVars(process.env);
  const missing = missingVars(fromEnv);
  if (missing.length === 0) {
    const settings = settingsFromVars(fromEnv, "env");
    if (settings) return { settings };
  } else if (missing.length < STACK_VARS.length) {
    log(`ignoring a partial stack environment: ${missing.join(", ")} not set (set all three)`);
  }

  // 2. a running local stack
  const envFile = join(process.env.RIEL_STACK_DIR ?? join(REPO_ROOT, ".stack"), "env");
  const local = await settingsFromStackEnvFile(envFile);
  if (local.settings) return { settings: local.settings };

  // 3. Docker
  if (process.env.RIEL_STACK_DOCKER !== "0") {
    const { dockerAnswers, startComposeStack } = await import("./testcontainers-stack.js");
    if (await dockerAnswers()) {
      log("no local stack; starting docker-compose.yml's kafka, redis and schema-registry with testcontainers ...");
      return startComposeStack(REPO_ROOT);
    }
  }

  // 4. start the local stack for this run (the first time downloads Kafka and builds the registry),
  //    and stop it afterwards; RIEL_STACK_AUTO=0 turns this off
  if (process.env.RIEL_STACK_AUTO !== "0") {
    log("no stack found and no Docker: starting the local stack for this run (pnpm stack up; stopped after the tests) ...");
    const up = spawnSync("bash", [join(REPO_ROOT, "scripts/stack.sh"), "up"], { cwd: REPO_ROOT, stdio: "inherit" });
    const started = up.status === 0 ? await settingsFromStackEnvFile(envFile) : { settings: null, reason: `stack.sh up exited ${up.status}` };
    if (started.settings) {
      return {
        settings: started.settings,
        teardown: async () => {
          spawnSync("bash", [join(REPO_ROOT, "scripts/stack.sh"), "down"], { cwd: REPO_ROOT, stdio: "inherit" });
        },
      };
    }
    log(`the local stack did not start (${started.reason ?? "unknown"}).`);
  }

  // 5. none
  log(`no stack (${local.reason ?? "none found"}; no Docker): integration tests will ask for \`pnpm stack up\`.`);
  return null;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const resolved = await resolveStack();
  if (resolved) {
    for (const [name, value] of Object.entries(varsOf(resolved.settings))) process.env[name] = value;
    log(`using the ${resolved.settings.source} stack: ${Object.entries(varsOf(resolved.settings)).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  }
  project.provide("stack", resolved?.settings ?? null);
  return resolved?.teardown;
}
