// `pnpm compose`: writes docker-compose.yml from the one list of services (services/embedded/src/services.ts).
import { writeFileSync } from "node:fs";
import { renderCompose } from "../services/embedded/src/compose.js";

const path = new URL("../docker-compose.yml", import.meta.url).pathname;
writeFileSync(path, renderCompose());
console.log(`compose: wrote ${path}`);
