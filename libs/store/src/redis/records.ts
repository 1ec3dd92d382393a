import type { Redis } from "ioredis";
import type { ApiKeyStore } from "../types.js";

/**
 * Records by id in one hash, field per id: few records, read one at a time per request (API keys,
 * webhook endpoints).
 */
export function createRedisRecords(redis: Redis, hash: string): ApiKeyStore & { remove(id: string): Promise<boolean> } {
  return {
    async put(id, record) {
      await redis.hset(hash, id, record);
    },
    async get(id) {
      return redis.hget(hash, id);
    },
    async list() {
      return Object.entries(await redis.hgetall(hash)).map(([id, record]) => ({ id, record }));
    },
    async remove(id) {
      return (await redis.hdel(hash, id)) === 1;
    },
  };
}
