export { connectInfra, infraFromEnv, infraSchema, onShutdown, topicConfigs } from "./infra.js";
export type { EmbeddedInfra, Infra, InfraConfig, InfraSettings } from "./infra.js";
export { createLog, mask } from "./log.js";
export type { Log } from "./log.js";
export { problem } from "./problem.js";
export type { Problem } from "./problem.js";
export { listen } from "./http.js";
export type { RunningHttp } from "./http.js";
export { limitBody } from "./body-limit.js";
