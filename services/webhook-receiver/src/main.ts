import { z } from "zod";
import { loadConfig, vars } from "@riel/config";
import { PROVIDERS } from "@riel/providers";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { startWebhookReceiver } from "./service.js";

const log = createLog("webhook-receiver");
const stopTracing = startTracing("webhook-receiver", process.env);
const config = loadConfig(
  z.object({ WEBHOOK_PORT: vars.port(8090), WEBHOOK_HOST: z.string().default("127.0.0.1"), WEBHOOK_SECRET: vars.secret("makes the per-payment callback URL tokens") }),
  process.env,
);
const infra = await connectInfra(infraFromEnv(process.env), "riel-webhook-receiver", (l) => log(l));
const http = await startWebhookReceiver(infra, {
  port: config.WEBHOOK_PORT,
  host: config.WEBHOOK_HOST,
  webhooks: PROVIDERS.map((p) => p.webhooks),
  secret: () => config.WEBHOOK_SECRET.reveal(),
  log,
});
log(`listening on ${http.url}`);
onShutdown(async () => {
  await http.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
