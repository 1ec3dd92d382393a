import { z } from "zod";
import { loadConfig, vars, webhookKeys, webhookSecretVars } from "@riel/config";
import { PROVIDERS } from "@riel/providers";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { startWebhookReceiver, WEBHOOK_RATE_DEFAULT } from "./service.js";

const log = createLog("webhook-receiver");
const stopTracing = startTracing("webhook-receiver", process.env);
const config = loadConfig(
  z.object({
    WEBHOOK_PORT: vars.port(8090),
    WEBHOOK_HOST: z.string().default("127.0.0.1"),
    ...webhookSecretVars,
    WEBHOOK_RATE_LIMIT: vars.rateRule(`${WEBHOOK_RATE_DEFAULT.capacity}/${WEBHOOK_RATE_DEFAULT.refillPerSecond}`, "callbacks per source address: a burst, then a rate a second"),
    WEBHOOK_TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((s) => s.split(",").map((a) => a.trim()).filter(Boolean)),
  }),
  process.env,
);
// Every key a callback URL may carry: the current one, and the previous ones until their payments end.
const { accepted } = webhookKeys(config);
const infra = await connectInfra(infraFromEnv(process.env), "riel-webhook-receiver", (l) => log(l));
const http = await startWebhookReceiver(infra, {
  port: config.WEBHOOK_PORT,
  host: config.WEBHOOK_HOST,
  webhooks: PROVIDERS.map((p) => p.webhooks),
  secret: () => accepted,
  log,
  rateRule: config.WEBHOOK_RATE_LIMIT,
  trustedProxies: config.WEBHOOK_TRUSTED_PROXIES,
});
log(`listening on ${http.url}`);
onShutdown(async () => {
  await http.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
