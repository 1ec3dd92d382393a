import { loadConfig } from "./config.js";
import { startTumipaySandbox } from "./server.js";

// Standalone start:
// TUMIPAY_SANDBOX_PORT=4020 TUMIPAY_SANDBOX_TOKEN_TOP=... TUMIPAY_SANDBOX_BASIC=$(printf 'user:pass' | base64) tsx services/tumipay-sandbox/src/main.ts

const result = loadConfig(process.env);
if (!result.ok) {
  console.error(`tumipay-sandbox: cannot start, invalid configuration:\n  - ${result.errors.join("\n  - ")}`);
  process.exit(1);
}
const { config } = result;

const running = await startTumipaySandbox({
  port: config.port,
  host: config.host,
  tokenTop: config.tokenTop.reveal(),
  basic: config.basic.reveal(),
  callbackDelayMs: config.callbackDelayMs,
  publicUrl: config.publicUrl,
  faults: config.faults,
  logger: console,
});
console.log(`tumipay-sandbox listening on ${running.url} (callback delay ${config.callbackDelayMs} ms, payment pages at ${config.publicUrl ?? running.url})`);
if (config.faults !== undefined) console.log(`tumipay-sandbox: injecting faults ${JSON.stringify(config.faults)}`);

const stop = (): void => {
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("tumipay-sandbox: error while closing", error);
      process.exit(1);
    },
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
