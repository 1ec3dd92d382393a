import type { Infra, Log, RunningHttp } from "@riel/runtime";
import { listen } from "@riel/runtime";
import { createWebhookApp } from "./index.js";

export async function startWebhookReceiver(infra: Infra, options: { port: number; host?: string; secret: () => string; log: Log }): Promise<RunningHttp> {
  return listen(createWebhookApp({ bus: infra.bus, secret: options.secret, log: options.log }).fetch, options.port, options.host);
}
