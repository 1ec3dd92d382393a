import type { Infra, Log, RateRule, RunningHttp } from "@riel/runtime";
import { ApiKeys, apiKeyRecordOf, listen, SCOPES, withOperations } from "@riel/runtime";
import { createIngressApp } from "./app.js";

export interface IngressOptions {
  readonly port: number;
  readonly host?: string;
  readonly log: Log;
  /**
   * A key with every scope, from configuration (INGRESS_API_KEY): the first key of a deployment,
   * and the development key of `pnpm start`. Checked in memory, never stored.
   */
  readonly apiKey?: string;
  readonly afterPublish?: (paymentId: string) => void;
  /** Requests per API key and route (INGRESS_RATE_LIMIT). */
  readonly rateRule?: RateRule;
}

/** The ingress API, with /healthz, /readyz and /metrics on the same port. */
export async function startIngress(infra: Infra, options: IngressOptions): Promise<RunningHttp> {
  const configured = options.apiKey === undefined ? [] : [apiKeyRecordOf(options.apiKey, { name: "INGRESS_API_KEY", scopes: SCOPES }, new Date())];
  const apiKeys = new ApiKeys(infra.store.apiKeys, { configured });
  const app = createIngressApp({ bus: infra.bus, store: infra.store, log: options.log, apiKeys, afterPublish: options.afterPublish, rateRule: options.rateRule });
  return listen(withOperations(app.fetch, infra, { routes: app.routes }), options.port, options.host);
}
