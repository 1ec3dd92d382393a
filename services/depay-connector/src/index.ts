export { startDepayConnector } from "./service.js";
export type { DepayConnectorOptions } from "./service.js";
