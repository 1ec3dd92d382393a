import type { WebhookModule } from "@riel/provider-port";
import type { Infra, Log, RunningHttp } from "@riel/runtime";
import { listen, withOperations } from "@riel/runtime";
import { createWebhookApp } from "./app.js";

export interface WebhookReceiverOptions {
  readonly port: number;
  readonly host?: string;
  readonly webhooks: readonly WebhookModule[];
  readonly secret: () => string;
  readonly log: Log;
}

/**
 * The webhook receiver, with /healthz, /readyz and /metrics on the same port. A callback's trace
 * comes in its URL's `traceparent` parameter, which the connectors put there.
 */
export async function startWebhookReceiver(infra: Infra, options: WebhookReceiverOptions): Promise<RunningHttp> {
  const app = createWebhookApp({
    bus: infra.bus,
    webhooks: options.webhooks,
    secret: options.secret,
    log: options.log,
    checkNow: (provider, paymentId) => infra.store.due.schedule(provider, paymentId, Date.now()),
  });
  return listen(withOperations(app.fetch, infra, { routes: app.routes, traceQuery: true }), options.port, options.host);
}
