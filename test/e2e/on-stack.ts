import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import type { EmbeddedOptions, RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import type { Infra } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import type { StackSettings } from "../setup/stack-context.js";
import { realInfra, StatusWatcher, TEST_API_KEY } from "./harness.js";

export interface OnStack {
  readonly riel: RunningRiel;
  /** The test's own connection to the stack. */
  readonly infra: Infra;
  readonly watcher: StatusWatcher;
  stop(): Promise<void>;
}

/** Riel in this process on the real stack (TEST_API_KEY, callbacks at once), the test's own connection and a watcher of the public topic; once every service is ready. */
export async function startOnStack(stack: StackSettings, name: string, options: Partial<Omit<EmbeddedOptions, "infra">> = {}): Promise<OnStack> {
  const settings = realInfra(stack);
  const riel = await startEmbedded({ infra: settings, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {}, ...options });
  const infra = await connectInfra(settings, `riel-${name}-${randomUUID()}`, () => {});
  const watcher = await StatusWatcher.start(infra.bus);
  // Every service is in its consumer groups before the test publishes anything.
  for (const url of Object.values(riel.operations)) {
    while ((await fetch(`${url}/readyz`)).status !== 200) await delay(100);
  }
  return {
    riel,
    infra,
    watcher,
    async stop() {
      await watcher.stop();
      await riel.stop();
      await infra.close();
    },
  };
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `riel <args>` as an operator would, against this stack and Riel's ingress with TEST_API_KEY. */
export const rielCli = (stack: StackSettings, ingressUrl: string) => (args: readonly string[]) =>
  promisify(execFile)(process.execPath, ["services/cli/bin/riel.js", ...args], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers.join(","), SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, REDIS_URL: stack.redisUrl, RIEL_URL: ingressUrl, RIEL_API_KEY: TEST_API_KEY },
    maxBuffer: 64 * 1024 * 1024,
  });
