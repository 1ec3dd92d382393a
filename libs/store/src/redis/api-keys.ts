import type { Redis } from "ioredis";
import type { ApiKeyStore } from "../types.js";

/** One hash of every key's record, field per key id: few keys, read one at a time per request. */
const API_KEYS = "riel:api-keys";

export function createRedisApiKeys(redis: Redis): ApiKeyStore {
  return {
    async put(id, record) {
      await redis.hset(API_KEYS, id, record);
    },
    async get(id) {
      return redis.hget(API_KEYS, id);
    },
    async list() {
      return Object.entries(await redis.hgetall(API_KEYS)).map(([id, record]) => ({ id, record }));
    },
  };
}
