// `pnpm start`: the whole of Riel and the Depay sandbox in one process. In-memory bus and
// store unless KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL are set.
import { z } from "zod";
import { loadConfig, vars } from "@riel/config";
import { createLog, infraFromEnv, onShutdown } from "@riel/runtime";
import { startEmbedded } from "./index.js";

const log = createLog("riel");
const config = loadConfig(
  z.object({
    INGRESS_PORT: vars.port(8080),
    WEBHOOK_PORT: vars.port(8090),
    DEPAY_SANDBOX_PORT: vars.port(8099),
    DEPAY_SANDBOX_CALLBACK_DELAY_MS: z.coerce.number({ error: "must be a whole number of milliseconds" }).int().min(0).default(200),
    RIEL_QUIET: z.enum(["0", "1"], { error: "must be 0 or 1" }).default("0"),
  }),
  process.env,
);
const infra = infraFromEnv(process.env);
const quiet = config.RIEL_QUIET === "1";
const riel = await startEmbedded({
  infra,
  ingressPort: config.INGRESS_PORT,
  webhookPort: config.WEBHOOK_PORT,
  sandboxPort: config.DEPAY_SANDBOX_PORT,
  callbackDelayMs: config.DEPAY_SANDBOX_CALLBACK_DELAY_MS,
  log: quiet ? () => {} : log,
});
const api = riel.ingressUrl;
console.log(`
Riel is running (${infra.kind === "embedded" ? "embedded: in-memory bus and store" : "on Kafka, Redis and the schema registry"}).
  ingress API       ${api}
  webhook receiver  ${riel.webhookUrl}
  Depay sandbox     ${riel.sandboxUrl}

Pay 10.50 BRL to a Pix CPF key, then accept the preview:

  curl -s -X POST ${api}/v1/payments -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"method":"PIX_KEY","payeeKey":"390.533.447-05","amount":{"amount":"10.50","currency":"BRL"},"payer":{"fullName":"Joao Santos","currency":"BRL","accountNumber":"0009795493","taxId":"39053344705"},"externalReference":"order-1"}'
  # -> 202 {"paymentId":"...","status":"RECEIVED","statusUrl":"/v1/payments/..."}

  PAYMENT=$(curl -s -X POST ${api}/v1/payments -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"method":"PIX_KEY","payeeKey":"390.533.447-05","amount":{"amount":"10.50","currency":"BRL"},"payer":{"fullName":"Joao Santos","currency":"BRL","accountNumber":"0009795493","taxId":"39053344705"},"externalReference":"order-1"}' \\
    | sed -E 's/.*"paymentId":"([^"]+)".*/\\1/')   # the same key and body replay the same answer
  curl -s ${api}/v1/payments/$PAYMENT              # status CREATED once the preview callback came
  curl -s -X POST ${api}/v1/payments/$PAYMENT/confirm -H 'content-type: application/json' -H 'Idempotency-Key: demo-1-accept' -d '{"decision":"ACCEPT"}'
  curl -s ${api}/v1/payments/$PAYMENT              # PROCESSING, then COMPLETED with its history

Test keys: 11144477735 ends REJECTED, 52998224725 ends FAILED, 12345678909 is refused as INVALID_DICT_KEY.
Ctrl-C stops everything.
`);
onShutdown(() => riel.stop(), (l) => log(l));
