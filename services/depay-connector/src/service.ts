import type { WebhookKey } from "@riel/connector";
import type { ConnectorOptions, RunningConnector } from "@riel/connector";
import { startConnector } from "@riel/connector";
import { createDepayPort } from "@riel/provider-depay";
import type { Infra, Log } from "@riel/runtime";

export interface DepayConnectorOptions {
  readonly depayBaseUrl: string;
  readonly depayToken: () => string;
  readonly webhookBaseUrl: string;
  readonly webhookSecret: () => string | WebhookKey;
  readonly log: Log;
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
  /** Where to answer /healthz, /readyz and /metrics (port 0 picks a free one). */
  readonly operations?: { readonly port: number; readonly host?: string };
  /** Reconciliation pace (see libs/connector `ConnectorOptions.reconcile`). */
  readonly reconcile?: ConnectorOptions["reconcile"];
}

/** The Depay connector: the generic connector running Depay's port. */
export function startDepayConnector(infra: Infra, options: DepayConnectorOptions): Promise<RunningConnector> {
  return startConnector(infra, {
    port: createDepayPort({ baseUrl: options.depayBaseUrl, token: options.depayToken }),
    webhookBaseUrl: options.webhookBaseUrl,
    webhookSecret: options.webhookSecret,
    log: options.log,
    beforeProviderCall: options.beforeProviderCall,
    operations: options.operations,
    reconcile: options.reconcile,
  });
}
