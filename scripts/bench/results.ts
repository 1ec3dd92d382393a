// Results of `pnpm bench load` as JSON (bench-results/), and `pnpm bench --compare A.json B.json`.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { LoadRun, StepResult } from "./load.js";

export interface LoadReport {
  readonly commit: string;
  readonly at: string;
  readonly node: string;
  readonly runs: readonly LoadRun[];
  readonly oneInFlight: StepResult | null;
  /** Extra figures by name (the floor, the ingress alone, ratios). */
  readonly figures: Readonly<Record<string, number>>;
}

const ROOT = new URL("../../", import.meta.url).pathname;

export function commitOf(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return "unknown";
  }
}

export function writeReport(report: LoadReport, path?: string): string {
  const file = path ?? `${ROOT}bench-results/load-${report.at.replace(/[:.]/g, "-")}-${report.commit}.json`;
  mkdirSync(new URL("../../bench-results/", import.meta.url).pathname, { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? `${(b / a).toFixed(2)}x` : "-");
const num = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? "-" : n >= 100 ? Math.round(n).toString() : n.toFixed(1));

/** Prints B against A: per run and rate both measured, Riel's CPU per payment and p99; the sustainable rates; one in flight. */
export function compareReports(aFile: string, bFile: string, print: (line: string) => void): void {
  const a = JSON.parse(readFileSync(aFile, "utf8")) as LoadReport;
  const b = JSON.parse(readFileSync(bFile, "utf8")) as LoadReport;
  print(`A: ${aFile} (${a.commit}, ${a.at})`);
  print(`B: ${bFile} (${b.commit}, ${b.at})`);
  print(`${"figure".padEnd(64)} ${"A".padStart(9)} ${"B".padStart(9)}  B/A`);
  const row = (name: string, x: number | undefined, y: number | undefined): void => print(`${name.padEnd(64)} ${num(x).padStart(9)} ${num(y).padStart(9)}  ${ratio(x ?? Number.NaN, y ?? Number.NaN)}`);
  for (const runA of a.runs) {
    const runB = b.runs.find((r) => r.label === runA.label);
    if (!runB) continue;
    row(`${runA.label}: sustainable rate (/s)`, runA.sustainable, runB.sustainable);
    for (const sA of runA.steps) {
      const sB = runB.steps.find((s) => s.offered === sA.offered);
      if (!sB) continue;
      row(`${runA.label} @${sA.offered}/s: Riel CPU ms/payment`, sA.rielCpuMsPerPayment, sB.rielCpuMsPerPayment);
      row(`${runA.label} @${sA.offered}/s: p99 ms`, sA.p99, sB.p99);
    }
  }
  if (a.oneInFlight && b.oneInFlight) {
    row("one in flight: p50 POST to COMPLETED (ms)", a.oneInFlight.p50, b.oneInFlight.p50);
    row("one in flight: Riel CPU ms/payment", a.oneInFlight.rielCpuMsPerPayment, b.oneInFlight.rielCpuMsPerPayment);
  }
  for (const [name, x] of Object.entries(a.figures)) row(name, x, b.figures[name]);
}
