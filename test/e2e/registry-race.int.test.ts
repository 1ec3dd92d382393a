// Services that start together register the same subjects and create the same topics at the
// same moment, against one registry and one broker. Every process must come up and all must
// frame records with the same schema ids, on fresh subjects as on subjects already there.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { topics as rielTopics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";

const stack = requireStack();
const ROUNDS = 3;
const PROCESSES = 6;
const PARTITIONS = 3;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A child that has loaded its modules and waits on stdin for the word to start. */
class RaceProcess {
  readonly output: string[] = [];
  readonly ready: Promise<void>;
  readonly result: Promise<Record<string, number>>;
  readonly #child: ChildProcess;

  constructor(
    readonly name: string,
    prefix: string,
  ) {
    this.#child = spawn(process.execPath, ["--import", "tsx", "test/e2e/registry-race-child.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: stack.kafkaBrokers.join(","),
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        RIEL_RACE_PREFIX: prefix,
        RIEL_RACE_PARTITIONS: String(PARTITIONS),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => this.#child.once("exit", (code) => resolve(code)));
    const lines: string[] = [];
    let readySeen: () => void = () => {};
    const readyLine = new Promise<void>((resolve) => (readySeen = resolve));
    createInterface({ input: this.#child.stdout as Readable }).on("line", (line) => {
      lines.push(line);
      if (line === "registry-race ready") readySeen();
    });
    createInterface({ input: this.#child.stderr as Readable }).on("line", (line) => this.output.push(line));
    const failure = async (): Promise<never> => {
      const code = await exited;
      throw new Error(`${this.name} exited ${code}:\n${[...lines, ...this.output].slice(-30).join("\n")}`);
    };
    this.ready = Promise.race([readyLine, failure()]);
    this.result = (async () => {
      const code = await exited;
      const idLine = lines.find((l) => l.startsWith("registry-race ids "));
      if (code !== 0 || !idLine) return failure();
      return JSON.parse(idLine.slice("registry-race ids ".length)) as Record<string, number>;
    })();
    // Rejections are read through ready and result; these keep an early exit from surfacing twice.
    this.ready.catch(() => {});
    this.result.catch(() => {});
  }

  go(): void {
    this.#child.stdin?.end("go\n");
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
  }
}

/** Starts the processes, lets them all go at once when every one is ready, and gives each one's ids. */
async function round(label: string, prefix: string): Promise<Array<Record<string, number>>> {
  const processes = Array.from({ length: PROCESSES }, (_, i) => new RaceProcess(`${label} process ${i + 1}`, prefix));
  try {
    await Promise.all(processes.map((p) => p.ready));
    for (const p of processes) p.go();
    const results = await Promise.allSettled(processes.map((p) => p.result));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    expect(failed, label).toEqual([]);
    return results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  } finally {
    for (const p of processes) p.kill();
  }
}

async function registry(path: string): Promise<unknown> {
  const res = await fetch(`${stack.schemaRegistryUrl.replace(/\/+$/, "")}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

describe("services starting together against one registry and one broker", () => {
  it(`${ROUNDS} rounds of ${PROCESSES} processes all come up and agree on every schema id, fresh and then populated`, { timeout: 300_000 }, async () => {
    const prefix = `race-${randomBytes(6).toString("hex")}.`;
    const rounds: Array<Array<Record<string, number>>> = [];
    for (let n = 1; n <= ROUNDS; n++) rounds.push(await round(`round ${n}`, prefix));

    const first = rounds[0]?.[0] ?? {};
    const subjects = Object.keys(first).sort();
    const expected = Object.values(rielTopics).flatMap((t) => t.records.map((r) => `${prefix}${t.name}-${r}`));
    expect(subjects).toEqual(expected.sort());
    for (const [r, results] of rounds.entries()) {
      for (const [i, ids] of results.entries()) expect(ids, `round ${r + 1} process ${i + 1}`).toEqual(first);
    }

    // The ids the processes agree on are the registry's, under BACKWARD.
    for (const subject of subjects) {
      const latest = (await registry(`/subjects/${encodeURIComponent(subject)}/versions/latest`)) as { id?: number };
      expect(latest.id, subject).toBe(first[subject]);
      const config = (await registry(`/config/${encodeURIComponent(subject)}`)) as { compatibilityLevel?: string };
      expect(config.compatibilityLevel, subject).toBe("BACKWARD");
    }

    const admin = new Kafka({ brokers: stack.kafkaBrokers, clientId: "registry-race-check", logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
      const topics = Object.values(rielTopics).map((t) => `${prefix}${t.name}`);
      expect(names).toEqual([...topics, ...topics.map((t) => `${t}.dlq`)].sort());
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      for (const t of metadata.topics) {
        expect(t.partitions.length, t.name).toBe(PARTITIONS);
        for (const p of t.partitions) expect(p.leader, `${t.name}/${p.partitionId}`).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
