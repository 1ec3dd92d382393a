import { Redis } from "ioredis";
import type { ClaimResult, Store, WriteResult } from "../types.js";
import { createRedisRecords } from "./records.js";
import { createRedisLimits } from "./token-bucket.js";
import { createRedisWebhooks } from "./webhooks.js";

// Each script runs atomically in Redis, so concurrent callers see one winner. A pending claim
// holds its owner (`o`), its lease deadline in Redis's own clock (`l`) and, once recorded, its
// intent (`i`); the key itself lives for the lease, or for the answer TTL once an intent is kept.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const CLAIM = `${NOW}
local lease = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'f', ARGV[1], 's', 'pending', 'o', ARGV[3], 'l', now + lease)
  redis.call('PEXPIRE', KEYS[1], lease)
  return {'CLAIMED'}
end
local h = redis.call('HMGET', KEYS[1], 'f', 's', 'r', 'o', 'l', 'i')
if h[1] ~= ARGV[1] then return {'MISMATCH'} end
if h[2] == 'done' then return {'REPLAY', h[3]} end
if h[4] == ARGV[3] then
  redis.call('HSET', KEYS[1], 'l', now + lease)
  if not h[6] then redis.call('PEXPIRE', KEYS[1], lease) end
  -- This claim ran before (ioredis resent it after a reconnect) and must get the same answer. An
  -- intent under our own owner means it took the key over from a dead attempt (we record ours only
  -- after our claim is answered): finish that plan, do not decide again.
  if h[6] then return {'TAKEN_OVER', h[6]} end
  return {'CLAIMED'}
end
if tonumber(h[5]) <= now then
  redis.call('HSET', KEYS[1], 'o', ARGV[3], 'l', now + lease)
  if not h[6] then redis.call('PEXPIRE', KEYS[1], lease) end
  return {'TAKEN_OVER', h[6] or ''}
end
return {'IN_PROGRESS', tostring(tonumber(h[5]) - now)}`;

const RENEW = `${NOW}
local h = redis.call('HMGET', KEYS[1], 'f', 's', 'o', 'i')
if h[1] ~= ARGV[1] or h[2] ~= 'pending' or h[3] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'l', now + tonumber(ARGV[3]))
if not h[4] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`;

const INTEND = `
local h = redis.call('HMGET', KEYS[1], 'f', 's', 'o')
if h[1] ~= ARGV[1] or h[2] ~= 'pending' or h[3] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'i', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

const COMPLETE = `
if redis.call('HGET', KEYS[1], 'f') == ARGV[1] then
  redis.call('HSET', KEYS[1], 's', 'done', 'r', ARGV[2])
  redis.call('HDEL', KEYS[1], 'i', 'o', 'l')
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

const RELEASE = `
local h = redis.call('HMGET', KEYS[1], 'f', 's', 'o')
if ARGV[2] ~= '' and h[3] ~= ARGV[2] then return 0 end
if h[1] == ARGV[1] and h[2] == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0`;

const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), id) end
return ids`;

const COUNT_CHECK = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
local n = 1
if v then
  local sep = string.find(v, '|', 1, true)
  if sep and string.sub(v, 1, sep - 1) == ARGV[2] then n = tonumber(string.sub(v, sep + 1)) + 1 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. n)
return n`;

const TTL = `${NOW}
local h = redis.call('HMGET', KEYS[1], 's', 'l')
if not h[1] then return -1 end
if h[1] == 'pending' then return math.max(0, tonumber(h[2]) - now) end
return redis.call('PTTL', KEYS[1])`;

// KEYS[2..] are the indexes to list it in (ARGV[3]: its time); NX keeps the first time it was listed at.
const WRITE = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return {0, v} end
redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2])
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], 'NX', ARGV[3], ARGV[4]) end
return {1, v + 1}`;

export interface RedisStoreOptions {
  readonly url: string;
  /** Prepended to every key, so several deployments or tests can share one Redis. */
  readonly prefix?: string;
  /**
   * Told of connection errors (refused, reset) while ioredis reconnects; commands still fail or
   * resend on their own. Once per outage, not per retry. Without it they are ignored (never
   * ioredis's "Unhandled error event" on stderr).
   */
  readonly onConnectionError?: (message: string) => void;
}

export function createRedisStore(options: RedisStoreOptions): Store {
  const redis = new Redis(options.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false });
  let reported = false;
  redis.on("error", (error: Error) => {
    if (!reported) options.onConnectionError?.(error.message);
    reported = true;
  });
  redis.on("ready", () => {
    reported = false;
  });
  const prefix = options.prefix ?? "riel:";
  const idem = (key: string): string => `${prefix}idem:${key}`;
  const proj = (id: string): string => `${prefix}proj:${id}`;
  const listed = (tag?: string): string => (tag === undefined ? `${prefix}proj-index` : `${prefix}proj-index:${tag}`);
  const dueKey = (queue: string): string => `${prefix}due:${queue}`;
  const checksKey = (queue: string): string => `${prefix}checks:${queue}`;
  return {
    apiKeys: createRedisRecords(redis, `${prefix}api-keys`),
    limits: createRedisLimits(redis, `${prefix}rate:`),
    idempotency: {
      async claim(key, fingerprint, leaseMs, owner = fingerprint): Promise<ClaimResult> {
        const [kind, detail] = (await redis.eval(CLAIM, 1, idem(key), fingerprint, String(leaseMs), owner)) as [string, string?];
        switch (kind) {
          case "CLAIMED":
          case "MISMATCH":
            return { kind };
          case "IN_PROGRESS":
            return { kind, retryAfterMs: Math.max(0, Number(detail ?? leaseMs)) };
          case "TAKEN_OVER":
            return { kind, intent: detail ? detail : null };
          case "REPLAY":
            return { kind, response: detail ?? "" };
          default:
            throw new Error(`idempotency claim script answered ${kind}`);
        }
      },
      async renew(key, fingerprint, owner, leaseMs) {
        return (await redis.eval(RENEW, 1, idem(key), fingerprint, owner, String(leaseMs))) === 1;
      },
      async intend(key, fingerprint, owner, intent, ttlMs) {
        return (await redis.eval(INTEND, 1, idem(key), fingerprint, owner, intent, String(ttlMs))) === 1;
      },
      async complete(key, fingerprint, response, ttlMs) {
        await redis.eval(COMPLETE, 1, idem(key), fingerprint, response, String(ttlMs));
      },
      async release(key, fingerprint, owner) {
        await redis.eval(RELEASE, 1, idem(key), fingerprint, owner ?? "");
      },
      async ttl(key) {
        const ms = Number(await redis.eval(TTL, 1, idem(key)));
        return ms < 0 ? null : ms;
      },
    },
    projections: {
      async read(id) {
        const [v, d] = await redis.hmget(proj(id), "v", "d");
        return v == null || d == null ? null : { version: Number(v), value: d };
      },
      async write(id, value, expectedVersion, index): Promise<WriteResult> {
        const keys = [proj(id), ...(index ? [listed(), ...index.tags.map(listed)] : [])];
        const [ok, version] = (await redis.eval(WRITE, keys.length, ...keys, String(expectedVersion), value, String(index?.at ?? 0), id)) as [number, number];
        return ok === 1 ? { kind: "WRITTEN", version } : { kind: "CONFLICT", current: version };
      },
      async list(query) {
        const max = query.to === undefined ? "+inf" : String(query.to);
        const min = query.from === undefined ? "-inf" : String(query.from);
        const out: Array<{ id: string; at: number }> = [];
        // Ids listed at the cursor's time up to and including the cursor come first: skip them.
        for (let offset = 0; out.length < query.limit; offset += query.limit) {
          const page = await redis.zrevrangebyscore(listed(query.tag), max, min, "WITHSCORES", "LIMIT", offset, query.limit);
          if (page.length === 0) break;
          for (let i = 0; i < page.length && out.length < query.limit; i += 2) {
            const id = page[i] as string;
            const at = Number(page[i + 1]);
            if (query.after !== undefined && query.to !== undefined && at === query.to && id >= query.after) continue;
            out.push({ id, at });
          }
        }
        return out;
      },
    },
    due: {
      async schedule(queue, id, dueAtMs) {
        await redis.zadd(dueKey(queue), dueAtMs, id);
      },
      async cancel(queue, id) {
        await redis.multi().zrem(dueKey(queue), id).hdel(checksKey(queue), id).exec();
      },
      async countCheck(queue, id, phase) {
        if (phase.includes("|")) throw new Error("a check phase must not contain |");
        return Number(await redis.eval(COUNT_CHECK, 1, checksKey(queue), id, phase));
      },
      async takeDue(queue, nowMs, limit, leaseMs) {
        return (await redis.eval(TAKE_DUE, 1, dueKey(queue), String(nowMs), String(limit), String(leaseMs))) as string[];
      },
      async dueAt(queue, id) {
        const score = await redis.zscore(dueKey(queue), id);
        return score === null ? null : Number(score);
      },
    },
    webhooks: createRedisWebhooks(redis, prefix),
    async close() {
      await redis.quit();
    },
  };
}
