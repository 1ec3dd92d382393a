import type { Redis } from "ioredis";
import type { ApiKeyStore } from "../types.js";

/** One hash of every key's record (`{prefix}api-keys`), field per key id: few keys, read one at a time per request. */
export function createRedisApiKeys(redis: Redis, hash: string): ApiKeyStore {
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
  };
}
