export { startEmbedded } from "./embedded.js";
export type { EmbeddedOptions, RunningRiel } from "./embedded.js";
export { SERVICES } from "./services.js";
export type { Role, ServiceDefinition, SharedSettings, StartedService } from "./services.js";
