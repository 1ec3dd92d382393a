export { createTumipayClient } from "./client.js";
export type { TumipayClient, TumipayClientOptions, TumipayResponse } from "./client.js";
export { createTumipayPort, DEFAULT_QR_LIMIT, DEFAULT_QR_RETRY, TUMIPAY, tumipayCapabilities } from "./port.js";
export type { QrRetryPolicy, TumipayPortOptions } from "./port.js";
export { parseTumipayIpn, tumipayWebhooks } from "./webhooks.js";
export { mapStatus, moneyOf } from "./transformers.js";
