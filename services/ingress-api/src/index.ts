export { checkIdempotencyKey, createIngressApp } from "./app.js";
export type { IngressDeps } from "./app.js";
export { startIngress } from "./service.js";
export type { IngressOptions } from "./service.js";
export type { DashboardAccess } from "./dashboard/index.js";
