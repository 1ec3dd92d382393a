import { Redis } from "ioredis";
import type { ClaimResult, Store, WriteResult } from "../types.js";

// Each script runs atomically in Redis, so concurrent callers see one winner.
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'f', ARGV[1], 's', 'pending')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'CLAIMED'}
end
local h = redis.call('HMGET', KEYS[1], 'f', 's', 'r')
if h[1] ~= ARGV[1] then return {'MISMATCH'} end
if h[2] == 'done' then return {'REPLAY', h[3]} end
return {'IN_PROGRESS'}`;

const COMPLETE = `
if redis.call('HGET', KEYS[1], 'f') == ARGV[1] then
  redis.call('HSET', KEYS[1], 's', 'done', 'r', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

const RELEASE = `
local h = redis.call('HMGET', KEYS[1], 'f', 's')
if h[1] == ARGV[1] and h[2] == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0`;

const WRITE = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return {0, v} end
redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2])
return {1, v + 1}`;

export interface RedisStoreOptions {
  readonly url: string;
  /** Prepended to every key, so several deployments or tests can share one Redis. */
  readonly prefix?: string;
}

export function createRedisStore(options: RedisStoreOptions): Store {
  const redis = new Redis(options.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false });
  const prefix = options.prefix ?? "riel:";
  const idem = (key: string): string => `${prefix}idem:${key}`;
  const proj = (id: string): string => `${prefix}proj:${id}`;
  return {
    idempotency: {
      async claim(key, fingerprint, leaseMs): Promise<ClaimResult> {
        const [kind, response] = (await redis.eval(CLAIM, 1, idem(key), fingerprint, String(leaseMs))) as [string, string?];
        switch (kind) {
          case "CLAIMED":
          case "IN_PROGRESS":
          case "MISMATCH":
            return { kind };
          case "REPLAY":
            return { kind, response: response ?? "" };
          default:
            throw new Error(`idempotency claim script answered ${kind}`);
        }
      },
      async complete(key, fingerprint, response, ttlMs) {
        await redis.eval(COMPLETE, 1, idem(key), fingerprint, response, String(ttlMs));
      },
      async release(key, fingerprint) {
        await redis.eval(RELEASE, 1, idem(key), fingerprint);
      },
      async ttl(key) {
        const ms = await redis.pttl(idem(key));
        return ms < 0 ? null : ms;
      },
    },
    projections: {
      async read(id) {
        const [v, d] = await redis.hmget(proj(id), "v", "d");
        return v == null || d == null ? null : { version: Number(v), value: d };
      },
      async write(id, value, expectedVersion): Promise<WriteResult> {
        const [ok, version] = (await redis.eval(WRITE, 1, proj(id), String(expectedVersion), value)) as [number, number];
        return ok === 1 ? { kind: "WRITTEN", version } : { kind: "CONFLICT", current: version };
      },
    },
    async close() {
      await redis.quit();
    },
  };
}
