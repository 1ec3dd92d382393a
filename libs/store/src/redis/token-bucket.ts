import type { Redis } from "ioredis";
import type { RateLimitStore } from "../types.js";

// One bucket per key, refilled continuously at `rate` tokens a millisecond up to `capacity`, by
// Redis's own clock (instances with skewed clocks share one view). The key lapses once a full
// bucket would have refilled, so idle callers leave nothing behind.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(h[1]) or capacity
local at = tonumber(h[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) end
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return {allowed, math.floor(tokens), wait}`;

export function createRedisLimits(redis: Redis, prefix: string): RateLimitStore {
  return {
    async take(bucket, rule, cost = 1) {
      const [allowed, remaining, wait] = (await redis.eval(TAKE, 1, `${prefix}${bucket}`, String(rule.capacity), String(rule.refillPerSecond / 1000), String(cost))) as [number, number, number];
      return { allowed: allowed === 1, remaining, retryAfterMs: wait };
    },
  };
}
