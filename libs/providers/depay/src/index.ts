export { createDepayClient, DepayUnavailable } from "./client.js";
export type { DepayClient, DepayClientOptions, DepayResponse } from "./client.js";
export { JsonDecimal, parseJsonKeepingNumbers, stringifyWithDecimals } from "./json.js";
export * from "./transformers.js";
export type { OpenAmountCallback, PreviewCallback, StatusCallback } from "./types.js";
export { callbackToken, callbackUrl, verifyCallbackToken } from "./webhooks.js";
