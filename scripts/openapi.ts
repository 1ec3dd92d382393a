// `pnpm openapi`: writes the API documents (and the ingress client's types) from the route
// definitions. `pnpm openapi:check` (`--check`) writes nothing and fails when a committed file
// differs from what the code generates, naming it.
import { readFileSync, writeFileSync } from "node:fs";
import { PROVIDERS } from "../libs/providers/registry/src/index.js";
import { ingressDocument } from "../services/ingress-api/src/openapi.js";
import { webhookDocument } from "../services/webhook-receiver/src/openapi.js";
import { clientTypes } from "../test/e2e/openapi-types.js";

const root = new URL("../", import.meta.url);
const json = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

const ingress = ingressDocument();
const files: ReadonlyArray<{ path: string; text: string }> = [
  { path: "openapi/ingress.json", text: json(ingress) },
  { path: "openapi/webhooks.json", text: json(webhookDocument(PROVIDERS.map((p) => p.webhooks))) },
  { path: "openapi/ingress.d.ts", text: await clientTypes(ingress, "openapi/ingress.json") },
];

const read = (path: string): string | null => {
  try {
    return readFileSync(new URL(path, root), "utf8");
  } catch {
    return null;
  }
};

if (process.argv.includes("--check")) {
  const stale = files.filter((f) => read(f.path) !== f.text).map((f) => f.path);
  if (stale.length > 0) {
    console.error(`openapi: ${stale.join(", ")} ${stale.length === 1 ? "differs" : "differ"} from what the routes generate; run \`pnpm openapi\` and commit the result`);
    process.exit(1);
  }
  console.log(`openapi: ${files.map((f) => f.path).join(", ")} match the routes`);
} else {
  for (const f of files) {
    writeFileSync(new URL(f.path, root), f.text);
    console.log(`openapi: wrote ${f.path}`);
  }
}
