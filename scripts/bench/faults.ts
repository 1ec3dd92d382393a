// `pnpm bench faults [--payments N]`: the fault run (test/e2e/fault-run.ts) at full size, printed
// as a table. Every service in its own process on the real stack; the sandboxes inject the issue's
// fault profile; a chaos loop kills a service every few seconds and restarts Kafka once and Redis once.
import { ISSUE_PROFILE, printFaultReport, runFaultRun } from "../../test/e2e/fault-run.js";
import type { BenchResult, StackSettings } from "./types.js";

export interface FaultBenchOptions {
  readonly payments: number;
  readonly seed: number;
  readonly inFlight: number;
}

export async function benchFaults(stack: StackSettings, options: FaultBenchOptions): Promise<BenchResult[]> {
  const report = await runFaultRun({
    stack: { kafkaBrokers: [...stack.kafkaBrokers], redisUrl: stack.redisUrl, schemaRegistryUrl: stack.schemaRegistryUrl, source: "env" },
    payments: options.payments,
    inFlight: options.inFlight,
    faults: { ...ISSUE_PROFILE, seed: options.seed },
    kill: ["ingress-api", "webhook-receiver", "depay-connector", "tumipay-connector", "status-projector"],
    killEveryMs: 8_000,
    restartInfra: ["redis", "kafka"],
    quiesceMs: 600_000,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`\nfault run: ${options.payments} payments, seed ${options.seed}, ${options.inFlight} in flight`);
  printFaultReport(report, (line) => console.log(line));
  let accepted = 0;
  let ok = 0;
  let stuck = 0;
  let double = 0;
  let lost = 0;
  for (const r of report.rows.values()) {
    accepted += r.accepted;
    ok += r.finalCorrect;
    stuck += r.stuck;
    double += r.doubleEffects;
    lost += r.lost;
  }
  const detail = `${options.payments} payments, seed ${options.seed}`;
  return [
    { name: "fault run: final and equal to the provider's truth", value: accepted === 0 ? 0 : (100 * ok) / accepted, unit: "%", detail },
    { name: "fault run: stuck", value: stuck, unit: "payments" },
    { name: "fault run: double provider effects", value: double, unit: "payments" },
    { name: "fault run: lost acceptances", value: lost, unit: "payments" },
    { name: "fault run: wrong client answers", value: report.wrongAnswers.length, unit: "answers" },
    { name: "fault run: worst client wait", value: report.worstClientWaitMs, unit: "ms" },
    { name: "fault run: time to quiescence", value: report.quiescenceMs / 1000, unit: "s" },
    { name: "fault run: payments driven per second under chaos", value: options.payments / (report.drivenMs / 1000), unit: "payments/s" },
  ];
}
