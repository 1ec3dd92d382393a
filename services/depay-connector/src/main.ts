import { z } from "zod";
import { loadConfig, reconcileSettings, reconcileVars, vars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { crashBefore } from "@riel/connector";
import { startDepayConnector } from "./service.js";

const log = createLog("depay-connector");
const stopTracing = startTracing("depay-connector", process.env);
const config = loadConfig(
  z.object({
    DEPAY_BASE_URL: vars.httpUrl("https://stage.api.payments.depay.us"),
    DEPAY_TOKEN: vars.secret("Depay bearer token"),
    WEBHOOK_PUBLIC_URL: vars.httpUrl("https://riel.example.com"),
    WEBHOOK_SECRET: vars.secret("makes the per-payment callback URL tokens"),
    // /healthz, /readyz and /metrics; 0 picks a free port (docker-compose.yml sets one).
    OPS_PORT: vars.port(0),
    OPS_HOST: z.string().default("127.0.0.1"),
    // Reconciliation: a factor on the lifecycle's check delays (tests shrink them), how often due checks are looked for, when to give up.
    ...reconcileVars,
    // Fault injection for the end-to-end tests: exit as a crash would, after consuming a command and before calling Depay.
    FAULT_CRASH_BEFORE: z.enum(["InitiatePayment", "SetPaymentAmount", "ConfirmPayment"], { error: "must be InitiatePayment, SetPaymentAmount or ConfirmPayment" }).optional(),
  }),
  process.env,
);
const infra = await connectInfra(infraFromEnv(process.env), "riel-depay-connector", (l) => log(l));
const connector = await startDepayConnector(infra, {
  depayBaseUrl: config.DEPAY_BASE_URL,
  depayToken: () => config.DEPAY_TOKEN.reveal(),
  webhookBaseUrl: config.WEBHOOK_PUBLIC_URL,
  webhookSecret: () => config.WEBHOOK_SECRET.reveal(),
  log,
  operations: { port: config.OPS_PORT, host: config.OPS_HOST },
  reconcile: reconcileSettings(config),
  beforeProviderCall: crashBefore(config.FAULT_CRASH_BEFORE, log),
});
log(`operations on ${connector.operationsUrl ?? "none"} (/healthz, /readyz, /metrics)`);
log("consuming commands");
onShutdown(async () => {
  await connector.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
