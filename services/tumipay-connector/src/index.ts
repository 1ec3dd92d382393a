export { startTumipayConnector } from "./service.js";
export type { TumipayConnectorOptions } from "./service.js";
