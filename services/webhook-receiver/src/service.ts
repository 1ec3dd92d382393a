import type { WebhookKey, WebhookModule } from "@riel/provider-port";
import type { Infra, Log, RunningHttp } from "@riel/runtime";
import type { RateRule } from "@riel/runtime";
import { listen, sourceAddress, withOperations } from "@riel/runtime";
import { createWebhookApp } from "./app.js";

/** A provider's own burst of callbacks passes; one address's flood of forged ones does not. */
export const WEBHOOK_RATE_DEFAULT: RateRule = { capacity: 1000, refillPerSecond: 500 };

export interface WebhookReceiverOptions {
  readonly port: number;
  readonly host?: string;
  readonly webhooks: readonly WebhookModule[];
  readonly secret: () => string | readonly WebhookKey[];
  readonly log: Log;
  /** Callbacks per source address (WEBHOOK_RATE_LIMIT); WEBHOOK_RATE_DEFAULT when absent. */
  readonly rateRule?: RateRule;
  /** Proxies whose X-Forwarded-For names the source (WEBHOOK_TRUSTED_PROXIES); none by default. */
  readonly trustedProxies?: readonly string[];
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
    rateLimit: {
      limits: infra.store.limits,
      rule: options.rateRule ?? WEBHOOK_RATE_DEFAULT,
      sourceOf: (c) => sourceAddress(c, new Set(options.trustedProxies ?? [])),
    },
  });
  return listen(withOperations(app.fetch, infra, { routes: app.routes, traceQuery: true }), options.port, options.host);
}
