import type { ApiKeyStore } from "../types.js";

/** API key records in this process (embedded mode, unit tests). */
export function createMemoryApiKeys(): ApiKeyStore {
  const records = new Map<string, string>();
  return {
    async put(id, record) {
      records.set(id, record);
    },
    async get(id) {
      return records.get(id) ?? null;
    },
    async list() {
      return [...records].map(([id, record]) => ({ id, record }));
    },
  };
}
