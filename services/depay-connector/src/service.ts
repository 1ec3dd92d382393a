import type { Subscription } from "@riel/bus";
import { createDepayClient } from "@riel/depay";
import type { Infra, Log } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { createConnectorHandler } from "./index.js";

export interface ConnectorOptions {
  readonly depayBaseUrl: string;
  readonly depayToken: () => string;
  readonly webhookBaseUrl: string;
  readonly webhookSecret: () => string;
  readonly log: Log;
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
}

export const CONNECTOR_GROUP = "riel.depay-connector";

export async function startDepayConnector(infra: Infra, options: ConnectorOptions): Promise<{ stop(): Promise<void>; subscription: Subscription }> {
  const depay = createDepayClient({ baseUrl: options.depayBaseUrl, token: options.depayToken });
  const handle = createConnectorHandler({
    depay,
    projections: infra.store.projections,
    webhookBaseUrl: options.webhookBaseUrl,
    webhookSecret: options.webhookSecret,
    log: options.log,
    beforeProviderCall: options.beforeProviderCall,
  });
  const subscription = await infra.bus.subscribe({
    group: CONNECTOR_GROUP,
    topics: [topics.paymentCommands.name],
    concurrency: infra.concurrency,
    handler: async (record) => {
      const result = await handle(record);
      options.log("command handled", { paymentId: record.key, type: record.type, outcome: result.outcome.kind });
      return result;
    },
  });
  return {
    subscription,
    async stop() {
      await subscription.stop();
      await depay.close();
    },
  };
}
