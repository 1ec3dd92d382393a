export { MERCHANT_WEBHOOKS_GROUP, startMerchantWebhooks } from "./service.js";
export type { MerchantWebhooksOptions, RunningMerchantWebhooks } from "./service.js";
