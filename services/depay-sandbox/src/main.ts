import { loadConfig } from "./config.js";
import { startDepaySandbox } from "./server.js";

// Standalone start: `DEPAY_SANDBOX_PORT=4010 DEPAY_SANDBOX_TOKEN=... tsx services/depay-sandbox/src/main.ts`

const result = loadConfig(process.env);
if (!result.ok) {
  console.error(`depay-sandbox: cannot start, invalid configuration:\n  - ${result.errors.join("\n  - ")}`);
  process.exit(1);
}
const { config } = result;

const running = await startDepaySandbox({
  port: config.port,
  host: config.host,
  token: config.token.reveal(),
  callbackDelayMs: config.callbackDelayMs,
  previewTtlMs: config.previewTtlMs,
  callbackSigningSecret: config.callbackSigningSecret?.reveal(),
  faults: config.faults,
  logger: console,
});
console.log(`depay-sandbox listening on ${running.url} (callback delay ${config.callbackDelayMs} ms, preview TTL ${config.previewTtlMs} ms)`);
if (config.faults !== undefined) console.log(`depay-sandbox: injecting faults ${JSON.stringify(config.faults)}`);

const stop = (): void => {
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("depay-sandbox: error while closing", error);
      process.exit(1);
    },
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
