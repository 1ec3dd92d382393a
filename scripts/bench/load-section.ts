// The runs of `pnpm bench load`, in one process, each on a fresh Riel on the same stack.
import type { FloorCounts, LoadRun, StepResult } from "./load.js";
import { clusterTarget, embeddedTarget, floorTarget, formatCpu, formatStep, ingressTarget, oneInFlight, skipBacklog, stepRates } from "./load.js";
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
const INSTANT = "processes, instant provider";
const SLOW = "processes, provider +100 ms";
const TWO = "two instances of each";
const FLOOR = "floor (bare clients)";
const INGRESS = "ingress alone (202)";
const INGRESS_RATES = [50, 100, 200, 300, 400, 600, 800, 1000];

const fmtCounts = (c: FloorCounts): string =>
  `${c.httpRequests.toFixed(1)} HTTP requests (${c.apiRequests.toFixed(1)} to the API), ${c.records.toFixed(1)} records produced, ${c.consumed.toFixed(1)} consumed, ${c.redisCommands.toFixed(0)} Redis commands`;

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
    const instant = await stepRates(stack, single, INSTANT, common);
    runs.push(instant);
    const ref = at(instant, REFERENCE_RATE);
    if (ref) log(`  CPU ms per payment at ${REFERENCE_RATE}/s: ${formatCpu(ref)}`);
  } finally {
    await single.stop();
  }

  // The floor: the bare cost of the reference step's counts (HTTP requests, records produced and
  // consumed, Redis commands) with the same clients, in one process, at the same rate.
  const ref = runs[0] ? at(runs[0], REFERENCE_RATE) : undefined;
  if (ref) {
    const counts: FloorCounts = {
      records: ref.recordsPerPayment,
      consumed: ref.recordsConsumedPerPayment ?? ref.recordsPerPayment,
      redisCommands: ref.redisCommandsPerPayment,
      httpRequests: ref.httpRequestsPerPayment ?? 0,
      apiRequests: ref.apiRequestsPerPayment ?? 1,
    };
    log(`floor: per payment ${fmtCounts(counts)}`);
    const floor = await floorTarget(stack, counts);
    try {
      runs.push(await stepRates(stack, floor, FLOOR, { ...common, rates: [REFERENCE_RATE], fixed: true }));
    } finally {
      await floor.stop();
    }
  }

  const slow = await clusterTarget(stack, { instances: 1, latencyMs: 100 });
  try {
    // Each payment is judged less its flow's provider time: its scenario's p50 at the lowest rate, less the instant run's.
    const instantFirst = runs[0]?.steps[0]?.scenarioP50 ?? {};
    const providerTime = (first: StepResult): Record<string, number> =>
      Object.fromEntries(Object.entries(first.scenarioP50 ?? {}).map(([name, p50]) => [name, Math.max(0, p50 - (instantFirst[name] ?? p50))]));
    runs.push(await stepRates(stack, slow, SLOW, { ...common, providerTime }));
  } finally {
    await slow.stop();
  }

  const two = await clusterTarget(stack, { instances: 2, latencyMs: 0 });
  try {
    runs.push(await stepRates(stack, two, TWO, { ...common, rates: [REFERENCE_RATE], fixed: true }));
  } finally {
    await two.stop();
  }

  const embedded = await embeddedTarget(stack);
  try {
    runs.push(await stepRates(stack, embedded, "embedded (one process)", common));
  } finally {
    await embedded.stop();
  }

  // The ingress alone, Kafka and Redis real: accepted payments per second (its 202) and p99. Last,
  // because nothing consumes what it accepts: the backlog is skipped afterwards (see skipBacklog).
  const ingress = await ingressTarget(stack);
  try {
    runs.push(await stepRates(stack, ingress, INGRESS, { ...common, rates: INGRESS_RATES }));
  } finally {
    await ingress.stop();
    await skipBacklog(stack);
  }

  const run = (label: string): LoadRun | undefined => runs.find((r) => r.label === label);
  const [instant, slowRun, twoRun, floorRun] = [run(INSTANT), run(SLOW), run(TWO), run(FLOOR)];
  if (instant && slowRun) figures["provider +100 ms: sustainable rate / instant's"] = slowRun.sustainable / Math.max(1, instant.sustainable);
  const refOne = instant ? at(instant, REFERENCE_RATE) : undefined;
  const refTwo = twoRun ? at(twoRun, REFERENCE_RATE) : undefined;
  const refFloor = floorRun ? at(floorRun, REFERENCE_RATE) : undefined;
  if (refOne && refTwo) figures[`two instances: Riel CPU per payment / one instance's, at ${REFERENCE_RATE}/s`] = refTwo.rielCpuMsPerPayment / refOne.rielCpuMsPerPayment;
  if (refOne && refFloor) figures[`Riel CPU per payment / the floor's, at ${REFERENCE_RATE}/s`] = refOne.rielCpuMsPerPayment / refFloor.rielCpuMsPerPayment;

  const report: LoadReport = { commit: commitOf(), at: new Date().toISOString(), node: process.version, runs, oneInFlight: one, figures };
  log(`results: ${writeReport(report, options.out)}`);
  const results: BenchResult[] = [];
  for (const run of runs) results.push({ name: `${run.label}: sustainable rate (p99 <= 250 ms)`, value: run.sustainable, unit: "payments/s" });
  if (refOne) results.push({ name: `Riel CPU per payment at ${REFERENCE_RATE}/s (processes)`, value: refOne.rielCpuMsPerPayment, unit: "ms" });
  if (refFloor) results.push({ name: `the floor's CPU per payment at ${REFERENCE_RATE}/s`, value: refFloor.rielCpuMsPerPayment, unit: "ms" });
  const ingressRun = run(INGRESS);
  const ingressTop = ingressRun ? at(ingressRun, ingressRun.sustainable) : undefined;
  if (ingressTop) results.push({ name: `ingress alone: CPU per accepted payment at ${ingressTop.offered}/s`, value: ingressTop.rielCpuMsPerPayment, unit: "ms" });
  if (one) results.push({ name: "one in flight: p50 POST to COMPLETED", value: one.p50, unit: "ms" });
  for (const [name, value] of Object.entries(figures)) results.push({ name, value, unit: "ratio" });
  return results;
}
