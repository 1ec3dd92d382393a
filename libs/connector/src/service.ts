import type { Subscription } from "@riel/bus";
import type { ProviderPort } from "@riel/provider-port";
import { callbackUrl } from "@riel/provider-port";
import type { Infra, Log } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { createConnectorHandler } from "./handler.js";

export interface ConnectorOptions {
  readonly port: ProviderPort;
  /** The webhook receiver's public address, where providers post callbacks. */
  readonly webhookBaseUrl: string;
  readonly webhookSecret: () => string;
  readonly log: Log;
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
}

/** One consumer group per provider: each connector sees every command and acts on its own payments. */
// The Depay connector's group kept its name: a renamed group would read the commands topic from the beginning.
export const connectorGroup = (provider: string): string => `riel.${provider}-connector`;

export interface RunningConnector {
  readonly subscription: Subscription;
  stop(): Promise<void>;
}

export async function startConnector(infra: Infra, options: ConnectorOptions): Promise<RunningConnector> {
  const { port } = options;
  const handle = createConnectorHandler({
    port,
    projections: infra.store.projections,
    callbackUrl: (paymentId) => callbackUrl(options.webhookBaseUrl, port.name, paymentId, options.webhookSecret()),
    log: options.log,
    beforeProviderCall: options.beforeProviderCall,
  });
  const subscription = await infra.bus.subscribe({
    group: connectorGroup(port.name),
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
      await port.close();
    },
  };
}
