import type { Infra, Log, RunningHttp } from "@riel/runtime";
import { listen } from "@riel/runtime";
import { createIngressApp } from "./app.js";

export async function startIngress(infra: Infra, options: { port: number; host?: string; log: Log }): Promise<RunningHttp> {
  return listen(createIngressApp({ bus: infra.bus, store: infra.store, log: options.log }).fetch, options.port, options.host);
}
