import { afterAll, describe, expect, it } from "vitest";
import { requireStack } from "../setup/stack.js";
import type { FaultRunReport } from "./fault-run.js";
import { ISSUE_PROFILE, printFaultReport, runFaultRun } from "./fault-run.js";

const stack = requireStack();

// The fault run at CI size: a few hundred payments of every method, the issue's fault profile at
// the providers, each service killed once (SIGKILL) and restarted, Redis restarted once when the
// stack is scripts/stack.sh's. `pnpm bench faults` runs the same at 2,000 or 10,000 payments.
describe("payments under provider faults and crashed services", () => {
  let report: FaultRunReport | undefined;
  afterAll(() => {
    if (report) printFaultReport(report, (line) => console.log(line));
  });

  it("ends every payment in the provider's final status: none stuck, none paid twice, none lost, no client told wrong", async () => {
    report = await runFaultRun({
      stack,
      payments: 250,
      inFlight: 20,
      faults: { ...ISSUE_PROFILE, seed: 7 },
      kill: ["ingress-api", "webhook-receiver", "depay-connector", "tumipay-connector", "status-projector"],
      killEveryMs: 2_500,
      maxKills: 5,
      restartInfra: ["redis"],
      quiesceMs: 180_000,
      log: () => {},
    });
    const rows = [...report.rows.values()];
    expect(report.problems).toEqual([]);
    expect(rows.reduce((n, r) => n + r.accepted, 0)).toBe(250);
    expect(rows.reduce((n, r) => n + r.finalCorrect, 0)).toBe(250);
    expect(report.wrongAnswers).toEqual([]);
    expect(report.kills.map((k) => k.service).sort()).toEqual(["depay-connector", "ingress-api", "status-projector", "tumipay-connector", "webhook-receiver"]);
  }, 600_000);
});
