import { z } from "zod";
import { loadConfig, vars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { DEFAULT_WEBHOOK_RETRY } from "@riel/webhooks";
import { startMerchantWebhooks } from "./service.js";

const log = createLog("merchant-webhooks");
const stopTracing = startTracing("merchant-webhooks", process.env);
const config = loadConfig(
  z.object({
    // /healthz, /readyz and /metrics; 0 picks a free port (docker-compose.yml sets one).
    OPS_PORT: vars.port(0),
    OPS_HOST: z.string().default("127.0.0.1"),
    WEBHOOK_RETRY_BASE_MS: vars.positiveInt(DEFAULT_WEBHOOK_RETRY.baseMs, "milliseconds before the second attempt; each failure doubles it"),
    WEBHOOK_RETRY_MAX_MS: vars.positiveInt(DEFAULT_WEBHOOK_RETRY.maxMs, "the longest wait between two attempts, in milliseconds"),
    WEBHOOK_GIVE_UP_AFTER_MS: vars.positiveInt(DEFAULT_WEBHOOK_RETRY.giveUpAfterMs, "milliseconds after which a delivery still failing is given up"),
    WEBHOOK_TIMEOUT_MS: vars.positiveInt(10_000, "milliseconds one attempt may take, connection to answer"),
    WEBHOOK_CONCURRENCY: vars.positiveInt(64, "attempts in flight in all"),
    WEBHOOK_ENDPOINT_CONCURRENCY: vars.positiveInt(16, "attempts in flight to one endpoint"),
  }),
  process.env,
);
const infra = await connectInfra(infraFromEnv(process.env), "riel-merchant-webhooks", (l) => log(l));
const running = await startMerchantWebhooks(infra, {
  log,
  operations: { port: config.OPS_PORT, host: config.OPS_HOST },
  retry: { baseMs: config.WEBHOOK_RETRY_BASE_MS, maxMs: config.WEBHOOK_RETRY_MAX_MS, giveUpAfterMs: config.WEBHOOK_GIVE_UP_AFTER_MS },
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  concurrency: config.WEBHOOK_CONCURRENCY,
  perEndpoint: config.WEBHOOK_ENDPOINT_CONCURRENCY,
});
log(`operations on ${running.operationsUrl ?? "none"} (/healthz, /readyz, /metrics)`);
log("delivering merchant webhooks");
onShutdown(async () => {
  await running.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
