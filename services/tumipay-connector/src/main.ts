import { z } from "zod";
import { loadConfig, reconcileSettings, reconcileVars, secretSource, vars, webhookKeys, webhookSecretVars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { crashBefore } from "@riel/connector";
import { startTumipayConnector } from "./service.js";

const log = createLog("tumipay-connector");
const stopTracing = startTracing("tumipay-connector", process.env);
const config = loadConfig(
  z.object({
    TUMIPAY_BASE_URL: vars.httpUrl("https://api-empresas.staging.topup.com.co/production"),
    TUMIPAY_TOKEN_TOP: vars.secret("TumiPay Token-Top header"),
    TUMIPAY_BASIC: vars.secret("TumiPay Authorization: Basic key, the base64 of user:password"),
    TUMIPAY_TIMEOUT_MS: vars.positiveInt(10_000, "milliseconds to wait for TumiPay's answer"),
    TUMIPAY_QR_LIMIT: z
      .string({ error: 'must be a decimal amount in PEN with at most 2 decimals, e.g. "500.00"' })
      .regex(/^\d+(?:\.\d{1,2})?$/, 'must be a decimal amount in PEN with at most 2 decimals, e.g. "500.00"')
      .default("500.00"),
    WEBHOOK_PUBLIC_URL: vars.httpUrl("https://riel.example.com"),
    ...webhookSecretVars,
    // /healthz, /readyz and /metrics; 0 picks a free port (docker-compose.yml sets one).
    OPS_PORT: vars.port(0),
    OPS_HOST: z.string().default("127.0.0.1"),
    // Reconciliation: a factor on the lifecycle's check delays (tests shrink them), how often due checks are looked for, when to give up.
    ...reconcileVars,
    // Fault injection for the end-to-end tests: exit as a crash would, after consuming a command and before calling TumiPay.
    FAULT_CRASH_BEFORE: z.enum(["InitiatePayment"], { error: "must be InitiatePayment" }).optional(),
  }),
  process.env,
);
// Signs new callback URLs; the receiver also takes WEBHOOK_PREVIOUS_SECRETS (read here only to check them).
const { signing } = webhookKeys(config);
const infra = await connectInfra(infraFromEnv(process.env), "riel-tumipay-connector", (l) => log(l));
const connector = await startTumipayConnector(infra, {
  tumipayBaseUrl: config.TUMIPAY_BASE_URL,
  // Read at each call: rotated *_FILE credentials take effect without a restart.
  tumipayTokenTop: secretSource(process.env, "TUMIPAY_TOKEN_TOP", config.TUMIPAY_TOKEN_TOP),
  tumipayBasic: secretSource(process.env, "TUMIPAY_BASIC", config.TUMIPAY_BASIC),
  tumipayTimeoutMs: config.TUMIPAY_TIMEOUT_MS,
  tumipayQrLimit: config.TUMIPAY_QR_LIMIT,
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
