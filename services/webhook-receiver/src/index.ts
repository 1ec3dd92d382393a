export { createWebhookApp } from "./app.js";
export type { WebhookReceiverDeps } from "./app.js";
export { startWebhookReceiver } from "./service.js";
export type { WebhookReceiverOptions } from "./service.js";
