import type { ApiKeyStore } from "../types.js";

/** Records by id in this process (API keys, webhook endpoints; embedded mode, unit tests). */
export function createMemoryRecords(): ApiKeyStore & { remove(id: string): Promise<boolean> } {
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
    async remove(id) {
      return records.delete(id);
    },
  };
}
