export { createDepayClient } from "./client.js";
export type { DepayClient, DepayClientOptions, DepayResponse } from "./client.js";
export { createDepayPort, DEPAY, depayCapabilities } from "./port.js";
export { depayWebhooks, parseDepayCallback } from "./webhooks.js";
export { mapStatus, moneyOf } from "./transformers.js";
