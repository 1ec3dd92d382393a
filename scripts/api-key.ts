// `pnpm api-key`: prints a new API key for INGRESS_API_KEY (a key with every scope, kept in
// configuration). Keys with fewer scopes come from POST /v1/api-keys with that key.
import { mintApiKey, SCOPES } from "@riel/runtime";

console.log(mintApiKey({ name: "INGRESS_API_KEY", scopes: SCOPES }, new Date()).token);
