import type { Infra, Log } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { createProjectorHandler } from "./app.js";

export const PROJECTOR_GROUP = "riel.status-projector";

export async function startStatusProjector(infra: Infra, options: { log: Log }): Promise<{ stop(): Promise<void> }> {
  const handle = createProjectorHandler({ projections: infra.store.projections, log: options.log });
  const subscription = await infra.bus.subscribe({
    group: PROJECTOR_GROUP,
    topics: [topics.paymentCommands.name, topics.providerEvents.name],
    concurrency: infra.concurrency,
    handler: async (record) => {
      const result = await handle(record);
      options.log("event projected", { paymentId: record.key, type: record.type, outcome: result.outcome });
      return result;
    },
  });
  return { stop: () => subscription.stop() };
}
