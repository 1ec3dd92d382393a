import { z } from "zod";
import { loadConfig, reconcileVars, vars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown, startTracing } from "@riel/runtime";
import { startStatusProjector } from "./service.js";

const log = createLog("status-projector");
const stopTracing = startTracing("status-projector", process.env);
const config = loadConfig(
  z.object({
    // /healthz, /readyz and /metrics; 0 picks a free port (docker-compose.yml sets one).
    OPS_PORT: vars.port(0),
    OPS_HOST: z.string().default("127.0.0.1"),
    RECONCILE_SCALE: reconcileVars.RECONCILE_SCALE,
  }),
  process.env,
);
const infra = await connectInfra(infraFromEnv(process.env), "riel-status-projector", (l) => log(l));
const projector = await startStatusProjector(infra, { log, operations: { port: config.OPS_PORT, host: config.OPS_HOST }, reconcileScale: config.RECONCILE_SCALE });
log(`operations on ${projector.operationsUrl ?? "none"} (/healthz, /readyz, /metrics)`);
log("projecting payment events");
onShutdown(async () => {
  await projector.stop();
  await infra.close();
  await stopTracing();
}, (l) => log(l));
