import type { Infra, Log, RunningHttp } from "@riel/runtime";
import { listen, withOperations } from "@riel/runtime";
import { createIngressApp } from "./app.js";

/** The ingress API, with /healthz, /readyz and /metrics on the same port. */
export async function startIngress(
  infra: Infra,
  options: { port: number; host?: string; log: Log; afterPublish?: (paymentId: string) => void },
): Promise<RunningHttp> {
  const app = createIngressApp({ bus: infra.bus, store: infra.store, log: options.log, afterPublish: options.afterPublish });
  return listen(withOperations(app.fetch, infra, { routes: app.routes }), options.port, options.host);
}
