import { ApiKeys, apiKeyRecordOf, mintApiKey, SCOPES } from "@riel/runtime";
import type { Store } from "@riel/store";

/**
 * For tests that build the app themselves: a new key with every scope, its Authorization header,
 * and the app's `apiKeys` with it configured over a store.
 */
export function testApiKey(): { authorization: string; keysFor(store: Store): ApiKeys } {
  const { token } = mintApiKey({ name: "test", scopes: SCOPES }, new Date());
  return {
    authorization: `Bearer ${token}`,
    keysFor: (store) => new ApiKeys(store.apiKeys, { configured: [apiKeyRecordOf(token, { name: "test", scopes: SCOPES }, new Date())] }),
  };
}
