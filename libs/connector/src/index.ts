export { createConnectorHandler, PaymentNotReady } from "./handler.js";
export type { ConnectorDeps, ConnectorOutcome, ConnectorResult } from "./handler.js";
export { connectorGroup, crashBefore, startConnector } from "./service.js";
export type { ConnectorOptions, RunningConnector } from "./service.js";
export { createReconciler, runReconciler } from "./reconciler.js";
export type { CheckOutcome, ReconcilerDeps } from "./reconciler.js";
export type { WebhookKey } from "@riel/provider-port";
