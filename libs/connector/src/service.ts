import type { Subscription } from "@riel/bus";
import type { ProviderPort, WebhookKey } from "@riel/provider-port";
import { callbackUrl, tracedCallbackUrl, withCallbackTrace } from "@riel/provider-port";
import type { Infra, Log } from "@riel/runtime";
import { serveOperations } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { checkAfterMs } from "@riel/rails";
import { createConnectorHandler } from "./handler.js";
import { createReconciler, runReconciler } from "./reconciler.js";

export interface ConnectorOptions {
  readonly port: ProviderPort;
  /** The webhook receiver's public address, where providers post callbacks. */
  readonly webhookBaseUrl: string;
  /** The key that signs new callback URLs (a bare secret: no key id in the URL); read at each use, so a rotation takes effect at once. */
  readonly webhookSecret: () => string | WebhookKey;
  readonly log: Log;
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
  /** Where to answer /healthz, /readyz and /metrics (port 0 picks a free one); none when absent. */
  readonly operations?: { readonly port: number; readonly host?: string };
  /**
   * Reconciliation: how often due checks are looked for, a factor on the lifecycle's check
   * delays (tests shrink them), and how long before it gives up and raises a payment as needing
   * attention. Defaults: every second, factor 1, 2 hours.
   */
  readonly reconcile?: { readonly pollMs?: number; readonly scale?: number; readonly attentionAfterMs?: number };
}



/**
 * The end-to-end tests' crash hook: exits as a crash would (137) after a `command` was consumed
 * and before its provider call. Undefined (no hook) when no command is named.
 */
export function crashBefore(command: string | undefined, log: Log): ConnectorOptions["beforeProviderCall"] {
  if (command === undefined) return undefined;
  return (consumed, paymentId) => {
    if (consumed !== command) return;
    log("fault injected: crashing before the provider call", { paymentId, command });
    process.exit(137);
  };
}

/** One consumer group per provider: each connector sees every command and acts on its own payments. */
// The Depay connector's group kept its name: a renamed group would read the commands topic from the beginning.
export const connectorGroup = (provider: string): string => `riel.${provider}-connector`;

export interface RunningConnector {
  readonly subscription: Subscription;
  /** The address of its operations endpoints, when it serves them. */
  readonly operationsUrl: string | null;
  stop(): Promise<void>;
}

export async function startConnector(infra: Infra, options: ConnectorOptions): Promise<RunningConnector> {
  const { port } = options;
  const callbackFor = (paymentId: string): string => tracedCallbackUrl(callbackUrl(options.webhookBaseUrl, port.name, paymentId, options.webhookSecret()));
  const handle = createConnectorHandler({
    port,
    projections: infra.store.projections,
    callbackUrl: (paymentId) => tracedCallbackUrl(callbackUrl(options.webhookBaseUrl, port.name, paymentId, options.webhookSecret())),
    log: options.log,
    beforeProviderCall: options.beforeProviderCall,
    providerCalled: (call) => infra.metrics.providerCall(call),
  });
  const subscription = await infra.bus.subscribe({
    group: connectorGroup(port.name),
    topics: [topics.paymentCommands.name],
    concurrency: infra.concurrency,
    handler: async (record) => {
      // The callback URLs given to the provider carry the command's trace (docs/operations.md, Traces).
      const result = await withCallbackTrace(record.headers.traceparent, () => handle(record));
      // Every connector reads every command: one for another provider's payment is a debug line, not news.
      const level = result.outcome.kind === "OTHER_PROVIDER" ? "debug" : "info";
      options.log("command handled", { paymentId: record.key, type: record.type, outcome: result.outcome.kind, level });
      return result;
    },
  });
  const reconciler = createReconciler({
    port,
    bus: infra.bus,
    projections: infra.store.projections,
    due: infra.store.due,
    log: options.log,
    checkAfter: (status) => checkAfterMs(status, options.reconcile?.scale),
    attentionAfterMs: options.reconcile?.attentionAfterMs,
    callbackUrl: callbackFor,
  });
  const reconciling = runReconciler(
    {
      async round() {
        for (const outcome of (await reconciler.round()).values()) infra.metrics.reconciliationCheck({ provider: port.name, outcome });
      },
    },
    options.reconcile?.pollMs ?? 1_000,
    options.log,
  );
  // After the subscription, so that readiness covers the group from the first probe.
  const operations = options.operations ? await serveOperations(infra, options.operations) : null;
  return {
    subscription,
    operationsUrl: operations?.url ?? null,
    async stop() {
      await reconciling.stop();
      await subscription.stop();
      await port.close();
      await operations?.stop();
    },
  };
}
