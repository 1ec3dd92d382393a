import { z } from "zod";
import { loadConfig, Secret, vars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown, parseApiKeyToken, startTracing } from "@riel/runtime";
import { INGRESS_RATE_DEFAULT } from "./app.js";
import { startIngress } from "./service.js";

const log = createLog("ingress-api");
const stopTracing = startTracing("ingress-api", process.env);
const config = loadConfig(
  z.object({
    INGRESS_PORT: vars.port(8080),
    INGRESS_HOST: z.string().default("127.0.0.1"),
    // A key with every scope (make one with `pnpm api-key`); more keys, with fewer scopes, through POST /v1/api-keys.
    INGRESS_API_KEY: z
      .string()
      .refine((token) => parseApiKeyToken(token) !== null, "must be an API key, riel_<12 lowercase letters or digits>_<43 base64url characters>: make one with `pnpm api-key`")
      .transform((token) => new Secret(token))
      .optional(),
    // The operators' dashboard at /dashboard, for whoever holds this token; not served without it.
    DASHBOARD_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,200}$/, "must be 16 to 200 printable ASCII characters, e.g. `openssl rand -hex 24`")
      .transform((token) => new Secret(token))
      .optional(),
    INGRESS_RATE_LIMIT: vars.rateRule(`${INGRESS_RATE_DEFAULT.capacity}/${INGRESS_RATE_DEFAULT.refillPerSecond}`, "requests per API key and route: a burst, then a rate a second"),
    // Tests only: the process dies right after publishing a command, before it stores or sends its answer.
    FAULT_CRASH_AFTER_PUBLISH: z.enum(["1"], { error: "must be 1 (or unset)" }).optional(),
  }),
  process.env,
);
const infra = await connectInfra(infraFromEnv(process.env), "riel-ingress-api", (l) => log(l));
const http = await startIngress(infra, {
  port: config.INGRESS_PORT,
  host: config.INGRESS_HOST,
  log,
  apiKey: config.INGRESS_API_KEY?.reveal(),
  rateRule: config.INGRESS_RATE_LIMIT,
  dashboard: config.DASHBOARD_TOKEN ? { kind: "token", token: config.DASHBOARD_TOKEN.reveal() } : undefined,
  afterPublish: config.FAULT_CRASH_AFTER_PUBLISH
    ? (paymentId) => {
        log("FAULT_CRASH_AFTER_PUBLISH: dying after the publish", { paymentId });
        process.kill(process.pid, "SIGKILL");
      }
    : undefined,
});
log(`listening on ${http.url}`);
if (config.DASHBOARD_TOKEN) log(`dashboard on ${http.url}/dashboard`);
if (!config.INGRESS_API_KEY) log("INGRESS_API_KEY is not set: only keys made through POST /v1/api-keys are let in, and only a key with admin makes them", { level: "warn" });
onShutdown(async () => {
  await http.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
