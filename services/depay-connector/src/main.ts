import { z } from "zod";
import { loadConfig, reconcileSettings, reconcileVars, secretSource, vars, webhookKeys, webhookSecretVars } from "@riel/config";
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
    ...webhookSecretVars,
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
// Signs new callback URLs; the receiver also takes WEBHOOK_PREVIOUS_SECRETS (read here only to check them).
const { signing } = webhookKeys(config);
const infra = await connectInfra(infraFromEnv(process.env), "riel-depay-connector", (l) => log(l));
const connector = await startDepayConnector(infra, {
  depayBaseUrl: config.DEPAY_BASE_URL,
  // Read at each call: a rotated DEPAY_TOKEN_FILE takes effect without a restart.
  depayToken: secretSource(process.env, "DEPAY_TOKEN", config.DEPAY_TOKEN),
  webhookBaseUrl: config.WEBHOOK_PUBLIC_URL,
  webhookSecret: () => signing,
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
