import type { Infra, Log } from "@riel/runtime";
import { serveOperations } from "@riel/runtime";
import { checkAfterMs, isPaymentStatus } from "@riel/rails";
import { topics } from "@riel/schemas";
import { createProjectorHandler } from "./app.js";

export const PROJECTOR_GROUP = "riel.status-projector";

export interface StatusProjectorOptions {
  readonly log: Log;
  /** Where to answer /healthz, /readyz and /metrics (port 0 picks a free one); none when absent. */
  readonly operations?: { readonly port: number; readonly host?: string };
  /** A factor on the lifecycle's reconciliation delays (tests shrink them); 1 by default. */
  readonly reconcileScale?: number;
}

export interface RunningProjector {
  /** The address of its operations endpoints, when it serves them. */
  readonly operationsUrl: string | null;
  stop(): Promise<void>;
}

export async function startStatusProjector(infra: Infra, options: StatusProjectorOptions): Promise<RunningProjector> {
  const handle = createProjectorHandler({
    projections: infra.store.projections,
    log: options.log,
    statusEntered: (payment) => infra.metrics.statusEntered(payment),
    // Each status that is not final gets a check with the provider after a while (reconciliation, run by the connectors).
    async scheduleCheck(view) {
      const after = isPaymentStatus(view.status) ? checkAfterMs(view.status, options.reconcileScale) : null;
      if (after === null) await infra.store.due.cancel(view.provider, view.paymentId);
      else await infra.store.due.schedule(view.provider, view.paymentId, Date.now() + after);
    },
  });
  const subscription = await infra.bus.subscribe({
    group: PROJECTOR_GROUP,
    topics: [topics.paymentCommands.name, topics.providerEvents.name],
    concurrency: infra.concurrency,
    handler: async (record) => {
      const result = await handle(record);
      // A command the projector has nothing to do with, or a repeat it dropped, is a debug line.
      const level = result.outcome === "IGNORED" || result.outcome === "DUPLICATE" ? "debug" : "info";
      options.log("event projected", { paymentId: record.key, type: record.type, outcome: result.outcome, level });
      return result;
    },
  });
  // After the subscription, so that readiness covers the group from the first probe.
  const operations = options.operations ? await serveOperations(infra, options.operations) : null;
  return {
    operationsUrl: operations?.url ?? null,
    async stop() {
      await subscription.stop();
      await operations?.stop();
    },
  };
}
