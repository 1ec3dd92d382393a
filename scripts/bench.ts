// `pnpm bench`: prints throughput figures against the real local stack. Not a test: nothing
// here passes or fails on speed; each figure is printed beside a baseline from the same run.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { loadConfig, vars, withEnvFile } from "@riel/config";
import { benchEndToEnd } from "./bench/e2e.js";
import { benchFaults } from "./bench/faults.js";
import { benchLoad } from "./bench/load-section.js";
import { compareReports } from "./bench/results.js";
import { benchRestart } from "./bench/restart.js";
import { benchConsume, benchPublish } from "./bench/platform.js";
import type { BenchResult, StackSettings } from "./bench/types.js";

const stackFile = new URL("../.stack/env", import.meta.url).pathname;
const env = withEnvFile(process.env, existsSync(stackFile) ? readFileSync(stackFile, "utf8") : undefined);
const config = loadConfig(
  z.object({
    KAFKA_BROKERS: vars.kafkaBrokers,
    REDIS_URL: vars.redisUrl,
    SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081"),
  }),
  env,
);
const stack: StackSettings = { kafkaBrokers: config.KAFKA_BROKERS, redisUrl: config.REDIS_URL, schemaRegistryUrl: config.SCHEMA_REGISTRY_URL };

const print = (section: string, results: readonly BenchResult[]): void => {
  console.log(`\n## ${section}`);
  for (const r of results) {
    const value = r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(1);
    console.log(`${r.name.padEnd(62)} ${value.padStart(10)} ${r.unit}${r.detail ? `  (${r.detail})` : ""}`);
  }
};

// `pnpm bench [section] [--payments N] [--seed S] [--step-seconds N] [--out F]`: one section, or all of them in order.
// `pnpm bench --compare A.json B.json`: B's figures against A's (results of `pnpm bench load`).
const args = process.argv.slice(2);
const compare = args.indexOf("--compare");
if (compare >= 0) {
  const [a, b] = [args[compare + 1], args[compare + 2]];
  if (!a || !b) throw new Error("--compare needs two result files: pnpm bench --compare A.json B.json");
  compareReports(a, b, (line) => console.log(line));
  process.exit(0);
}
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1, got ${args[i + 1]}`);
  return value;
};
/** The value after `--<name>`, when given. */
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const only = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const sections: Array<[string, () => Promise<readonly BenchResult[]>]> = [
  ["rails", async () => {
    const { runRailsBench } = await import("../libs/rails/src/bench.js");
    return (await runRailsBench()).map((r) => ({ name: r.name, value: r.opsPerSec, unit: "ops/s" }));
  }],
  ["publish", () => benchPublish(stack)],
  ["consume", () => benchConsume(stack)],
  ["payments", () => benchEndToEnd(stack)],
  ["restart", () => benchRestart(stack)],
  ["load", () => benchLoad(stack, { stepSeconds: flag("step-seconds", 10), out: option("out"), log: (line) => console.log(line) })],
  ["faults", () => benchFaults(stack, { payments: flag("payments", 2_000), seed: flag("seed", 42), inFlight: flag("in-flight", 40) })],
];
console.log(`riel bench: Kafka ${stack.kafkaBrokers.join(",")}, node ${process.version}`);
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  print(name, await run());
}
process.exit(0);
