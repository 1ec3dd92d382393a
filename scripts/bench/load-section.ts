// The runs of `pnpm bench load`, in one process, each on a fresh Riel on the same stack.
import type { LoadRun, StepResult } from "./load.js";
import { clusterTarget, embeddedTarget, formatCpu, formatStep, oneInFlight, stepRates } from "./load.js";
import type { LoadReport } from "./results.js";
import { commitOf, writeReport } from "./results.js";
import type { BenchResult, StackSettings } from "./types.js";

/**
 * The rate runs are compared at: below where this 2-core machine saturates with every service in
 * its own process. CPU per payment moves with the rate (idle work spread over fewer or more
 * payments), so figures are only compared at one rate.
 */
export const REFERENCE_RATE = 20;
const RATES = [10, REFERENCE_RATE, 30, 40, 60, 80, 100, 130, 160, 200];

export interface LoadSectionOptions {
  readonly stepSeconds: number;
  readonly out?: string;
  readonly log: (line: string) => void;
}

const at = (run: LoadRun, rate: number): StepResult | undefined => run.steps.find((s) => s.offered === rate);

export async function benchLoad(stack: StackSettings, options: LoadSectionOptions): Promise<BenchResult[]> {
  const { log } = options;
  const runs: LoadRun[] = [];
  const figures: Record<string, number> = {};
  const common = { rates: RATES, stepSeconds: options.stepSeconds, log };

  const single = await clusterTarget(stack, { instances: 1, latencyMs: 0 });
  let one: StepResult | null = null;
  try {
    one = await oneInFlight(stack, single, 100);
    log(formatStep("one in flight (Pix)", one));
    const instant = await stepRates(stack, single, "processes, instant provider", common);
    runs.push(instant);
    const ref = at(instant, REFERENCE_RATE);
    if (ref) log(`  CPU ms per payment at ${REFERENCE_RATE}/s: ${formatCpu(ref)}`);
  } finally {
    await single.stop();
  }

  const slow = await clusterTarget(stack, { instances: 1, latencyMs: 100 });
  try {
    // Held to 250 ms plus the provider's own time on a payment's path, measured at the lowest rate.
    const instantFirst = runs[0]?.steps[0]?.p50 ?? 0;
    runs.push(await stepRates(stack, slow, "processes, provider +100 ms", { ...common, limit: (first) => 250 + Math.max(0, first.p50 - instantFirst) }));
  } finally {
    await slow.stop();
  }

  const two = await clusterTarget(stack, { instances: 2, latencyMs: 0 });
  try {
    runs.push(await stepRates(stack, two, "two instances of each", { ...common, rates: [REFERENCE_RATE], fixed: true }));
  } finally {
    await two.stop();
  }

  const embedded = await embeddedTarget(stack);
  try {
    runs.push(await stepRates(stack, embedded, "embedded (one process)", common));
  } finally {
    await embedded.stop();
  }

  const [instant, slowRun, twoRun] = runs;
  if (instant && slowRun) figures["provider +100 ms: sustainable rate / instant's"] = slowRun.sustainable / Math.max(1, instant.sustainable);
  const refOne = instant ? at(instant, REFERENCE_RATE) : undefined;
  const refTwo = twoRun ? at(twoRun, REFERENCE_RATE) : undefined;
  if (refOne && refTwo) figures[`two instances: Riel CPU per payment / one instance's, at ${REFERENCE_RATE}/s`] = refTwo.rielCpuMsPerPayment / refOne.rielCpuMsPerPayment;

  const report: LoadReport = { commit: commitOf(), at: new Date().toISOString(), node: process.version, runs, oneInFlight: one, figures };
  log(`results: ${writeReport(report, options.out)}`);
  const results: BenchResult[] = [];
  for (const run of runs) results.push({ name: `${run.label}: sustainable rate (p99 <= 250 ms)`, value: run.sustainable, unit: "payments/s" });
  if (refOne) results.push({ name: `Riel CPU per payment at ${REFERENCE_RATE}/s (processes)`, value: refOne.rielCpuMsPerPayment, unit: "ms" });
  if (one) results.push({ name: "one in flight: p50 POST to COMPLETED", value: one.p50, unit: "ms" });
  for (const [name, value] of Object.entries(figures)) results.push({ name, value, unit: "ratio" });
  return results;
}
