import { connectInfra, createLog, infraFromEnv, onShutdown } from "@riel/runtime";
import { startStatusProjector } from "./service.js";

const log = createLog("status-projector");
const infra = await connectInfra(infraFromEnv(process.env), "riel-status-projector", (l) => log(l));
const projector = await startStatusProjector(infra, { log });
log("projecting payment events");
onShutdown(async () => {
  await projector.stop();
  await infra.close();
}, (l) => log(l));
