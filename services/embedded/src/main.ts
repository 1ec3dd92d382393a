// `pnpm start`: the whole of Riel and both provider sandboxes in one process. In-memory bus and
// store unless KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL are set.
import { z } from "zod";
import { loadConfig, vars } from "@riel/config";
import { createLog, infraFromEnv, onShutdown, parseApiKeyToken, startTracing } from "@riel/runtime";
import { BREB_TEST_KEYS, PERU_TEST_KEYS, QR_TEST_CODES } from "@riel/depay-sandbox";
import { startEmbedded } from "./embedded.js";

const log = createLog("riel");
const stopTracing = startTracing("riel", process.env);
const config = loadConfig(
  z.object({
    INGRESS_PORT: vars.port(8080),
    WEBHOOK_PORT: vars.port(8090),
    DEPAY_SANDBOX_PORT: vars.port(8099),
    TUMIPAY_SANDBOX_PORT: vars.port(8098),
    DEPAY_SANDBOX_CALLBACK_DELAY_MS: z.coerce.number({ error: "must be a whole number of milliseconds" }).int().min(0).default(200),
    RIEL_QUIET: z.enum(["0", "1"], { error: "must be 0 or 1" }).default("0"),
    // The development key with every scope; a new one each start when unset.
    INGRESS_API_KEY: z.string().refine((token) => parseApiKeyToken(token) !== null, "must be an API key: make one with `pnpm api-key`").optional(),
    // The dashboard is open in this mode unless a token is set.
    DASHBOARD_TOKEN: z.string().regex(/^[\x21-\x7e]{16,200}$/, "must be 16 to 200 printable ASCII characters").optional(),
  }),
  process.env,
);
const infra = infraFromEnv(process.env);
const quiet = config.RIEL_QUIET === "1";
const riel = await startEmbedded({
  infra,
  ports: { ingress: config.INGRESS_PORT, webhook: config.WEBHOOK_PORT, depaySandbox: config.DEPAY_SANDBOX_PORT, tumipaySandbox: config.TUMIPAY_SANDBOX_PORT },
  callbackDelayMs: config.DEPAY_SANDBOX_CALLBACK_DELAY_MS,
  apiKey: config.INGRESS_API_KEY,
  dashboard: config.DASHBOARD_TOKEN ? { kind: "token", token: config.DASHBOARD_TOKEN } : { kind: "open" },
  log: quiet ? () => {} : log,
});
const api = riel.ingressUrl;
console.log(`
Riel is running (${infra.kind === "embedded" ? "embedded: in-memory bus and store" : "on Kafka, Redis and the schema registry"}).
  ingress API       ${api}
  webhook receiver  ${riel.webhookUrl}
  Depay sandbox     ${riel.sandboxUrl}
  TumiPay sandbox   ${riel.tumipaySandboxUrl}
  dashboard         ${api}/dashboard${config.DASHBOARD_TOKEN ? " (sign in with DASHBOARD_TOKEN)" : ""}

Every /v1 route takes an API key. The development key (every scope${config.INGRESS_API_KEY ? ", from INGRESS_API_KEY" : "; a new one each start unless INGRESS_API_KEY is set"}):

  AUTH='Authorization: Bearer ${riel.apiKey}'
  # keys with fewer scopes: curl -s -X POST ${api}/v1/api-keys -H "$AUTH" -H 'content-type: application/json' -d '{"name":"shop","scopes":["payments:create","payments:read"]}'

Health and metrics of each service (GET /healthz, /readyz, /metrics; docs/operations.md):
${Object.entries(riel.operations)
  .map(([name, url]) => `  ${name.padEnd(18)}${url}`)
  .join("\n")}

Pay 10.50 BRL to a Pix CPF key, then accept the preview:

  curl -s -X POST ${api}/v1/payments -H "$AUTH" -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"method":"PIX_KEY","payeeKey":"390.533.447-05","amount":{"amount":"10.50","currency":"BRL"},"payer":{"fullName":"Joao Santos","currency":"BRL","accountNumber":"0009795493","taxId":"39053344705"},"externalReference":"order-1"}'
  # -> 202 {"paymentId":"...","status":"RECEIVED","statusUrl":"/v1/payments/..."}

  PAYMENT=$(curl -s -X POST ${api}/v1/payments -H "$AUTH" -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"method":"PIX_KEY","payeeKey":"390.533.447-05","amount":{"amount":"10.50","currency":"BRL"},"payer":{"fullName":"Joao Santos","currency":"BRL","accountNumber":"0009795493","taxId":"39053344705"},"externalReference":"order-1"}' \\
    | sed -E 's/.*"paymentId":"([^"]+)".*/\\1/')   # the same key and body replay the same answer
  curl -s -H "$AUTH" ${api}/v1/payments/$PAYMENT              # status CREATED once the preview callback came
  curl -s -X POST -H "$AUTH" ${api}/v1/payments/$PAYMENT/confirm -H 'content-type: application/json' -H 'Idempotency-Key: demo-1-accept' -d '{"decision":"ACCEPT"}'
  curl -s -H "$AUTH" ${api}/v1/payments/$PAYMENT              # PROCESSING, then COMPLETED with its history

Test keys: 11144477735 ends REJECTED, 52998224725 ends FAILED, 12345678909 is refused as INVALID_DICT_KEY.

Pay a merchant's EMVCo QR code (the sandbox's test codes; any real code decodes the same way):

  QR='${QR_TEST_CODES.closed}'
  PAYMENT=$(curl -s -X POST ${api}/v1/payments -H "$AUTH" -H 'content-type: application/json' -H 'Idempotency-Key: demo-qr-1' \\
    -d '{"method":"EMV_QR","qr":"'"$QR"'","payer":{"fullName":"Joao Santos","currency":"BRL","accountNumber":"0009795493","taxId":"39053344705"},"externalReference":"qr-1"}' \\
    | sed -E 's/.*"paymentId":"([^"]+)".*/\\1/')
  curl -s -H "$AUTH" ${api}/v1/payments/$PAYMENT              # CREATED: merchant, country, currency and amount from the code
  curl -s -X POST -H "$AUTH" ${api}/v1/payments/$PAYMENT/confirm -H 'content-type: application/json' -H 'Idempotency-Key: demo-qr-1-accept' -d '{"decision":"ACCEPT"}'

Other test codes (same request, another QR):
  open amount, PEN (WAITING_AMOUNT; then POST /v1/payments/$PAYMENT/amount with {"amount":{"amount":"12.30","currency":"PEN"}}):
    ${QR_TEST_CODES.open}
  Argentina PROCESS_LATER (the merchant types the amount: POST ${riel.sandboxUrl}/__sandbox/orders/{orderId}/merchant-amount {"amount":2500}):
    ${QR_TEST_CODES.processLater}
  ends REJECTED after the accept:  ${QR_TEST_CODES.rejected}
  ends FAILED after the accept:    ${QR_TEST_CODES.failed}
  a preview expires (CANCELED, "Order expired"): POST ${riel.sandboxUrl}/__sandbox/orders/{orderId}/expire

Refund a COMPLETED payment (an amount, or {} for the rest), or ask the provider where it is:

  curl -s -X POST -H "$AUTH" ${api}/v1/payments/$PAYMENT/refunds -H 'content-type: application/json' -H 'Idempotency-Key: demo-refund-1' \
    -d '{"amount":{"amount":"4.00","currency":"BRL"}}'      # PARTIALLY_REFUNDED; the view lists the refund
  curl -s -X POST -H "$AUTH" ${api}/v1/payments/$PAYMENT/sync           # the status query, applied like a callback

Peru (CCI ${PERU_TEST_KEYS.cci}, or phone ${PERU_TEST_KEYS.phone}: ACCEPT with a "walletId" from the view's wallets)
and Colombia Bre-B (${BREB_TEST_KEYS.random}): the Pix request with "method":"PERU_KEY" (PEN, "taxIdType":"DNI")
or "method":"BREB_KEY" (COP).

Collect 150.00 PEN in Peru through TumiPay (open the paymentUrl of the view and press Pay):

  PAYIN=$(curl -s -X POST ${api}/v1/payments -H "$AUTH" -H 'content-type: application/json' -H 'Idempotency-Key: demo-payin-1' \
    -d '{"method":"PERU_PAYIN","channel":"QR","amount":{"amount":"150.00","currency":"PEN"},"customer":{"documentType":"DNI","documentNumber":"12345678","phoneCode":"51","phoneNumber":"987654321","email":"rosa@example.com","fullName":"Rosa Huaman"},"redirectUrl":"https://shop.example.com/paid","externalReference":"payin-1"}' \
    | sed -E 's/.*"paymentId":"([^"]+)".*/\\1/')
  curl -s -H "$AUTH" ${api}/v1/payments/$PAYIN                  # AWAITING_PAYMENT with payerInstructions.paymentUrl
  curl -s -H "$AUTH" -o qr.png ${api}/v1/payments/$PAYIN/qr.png # the QR image to show the payer

Ctrl-C stops everything.
`);
onShutdown(async () => {
  await riel.stop();
  await stopTracing();
}, (l) => log(l));
