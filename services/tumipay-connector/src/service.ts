import type { WebhookKey } from "@riel/connector";
import type { ConnectorOptions, RunningConnector } from "@riel/connector";
import { startConnector } from "@riel/connector";
import { createTumipayPort } from "@riel/provider-tumipay";
import type { Infra, Log } from "@riel/runtime";

export interface TumipayConnectorOptions {
  readonly tumipayBaseUrl: string;
  /** TumiPay's `Token-Top` header. */
  readonly tumipayTokenTop: () => string;
  /** TumiPay's `Authorization: Basic` key. */
  readonly tumipayBasic: () => string;
  readonly tumipayTimeoutMs?: number;
  /** The QR pay-in limit in PEN ("500.00"). */
  readonly tumipayQrLimit?: string;
  readonly webhookBaseUrl: string;
  readonly webhookSecret: () => string | WebhookKey;
  readonly log: Log;
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
  /** Where to answer /healthz, /readyz and /metrics (port 0 picks a free one). */
  readonly operations?: { readonly port: number; readonly host?: string };
  /** Reconciliation pace (see libs/connector `ConnectorOptions.reconcile`). */
  readonly reconcile?: ConnectorOptions["reconcile"];
}

/** The TumiPay connector: the generic connector running TumiPay's port (consumer group riel.tumipay-connector). */
export function startTumipayConnector(infra: Infra, options: TumipayConnectorOptions): Promise<RunningConnector> {
  return startConnector(infra, {
    port: createTumipayPort({
      baseUrl: options.tumipayBaseUrl,
      tokenTop: options.tumipayTokenTop,
      basic: options.tumipayBasic,
      timeoutMs: options.tumipayTimeoutMs,
      qrLimit: options.tumipayQrLimit,
    }),
    webhookBaseUrl: options.webhookBaseUrl,
    webhookSecret: options.webhookSecret,
    log: options.log,
    beforeProviderCall: options.beforeProviderCall,
    operations: options.operations,
    reconcile: options.reconcile,
  });
}
