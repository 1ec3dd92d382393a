import { ApiKeys, apiKeyRecordOf, mintApiKey, SCOPES } from "@riel/runtime";
import type { Store } from "@riel/store";

/**
 * For tests that build the app themselves: a new key with every scope, its id (idempotency claims
 * are kept under it), its Authorization header, and the app's `apiKeys` with it configured over a store.
 */
export function testApiKey(): { id: string; authorization: string; keysFor(store: Store): ApiKeys } {
  const { token, record } = mintApiKey({ name: "test", scopes: SCOPES }, new Date());
  return {
    id: record.id,
    authorization: `Bearer ${token}`,
    keysFor: (store) => new ApiKeys(store.apiKeys, { configured: [apiKeyRecordOf(token, { name: "test", scopes: SCOPES }, new Date())] }),
  };
}
