export { createProjectorHandler, PaymentNotYetProjected, ProjectionConflict } from "./app.js";
export type { ProjectorDeps, ProjectorOutcome, ProjectorResult } from "./app.js";
export { PROJECTOR_GROUP, startStatusProjector } from "./service.js";
export { rebuildProjections } from "./rebuild.js";
export type { RebuildOptions, RebuildRecord, RebuildReport } from "./rebuild.js";
