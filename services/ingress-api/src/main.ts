import { z } from "zod";
import { loadConfig, vars } from "@riel/config";
import { connectInfra, createLog, infraFromEnv, onShutdown } from "@riel/runtime";
import { startIngress } from "./service.js";

const log = createLog("ingress-api");
const config = loadConfig(z.object({ INGRESS_PORT: vars.port(8080), INGRESS_HOST: z.string().default("127.0.0.1") }), process.env);
const infra = await connectInfra(infraFromEnv(process.env), "riel-ingress-api", (l) => log(l));
const http = await startIngress(infra, { port: config.INGRESS_PORT, host: config.INGRESS_HOST, log });
log(`listening on ${http.url}`);
onShutdown(async () => {
  await http.stop();
  await infra.close();
}, (l) => log(l));
