import type { RateLimitStore } from "../types.js";

/** Token buckets in this process (embedded mode, unit tests); `now` can be moved by tests. */
export function createMemoryLimits(now: () => number): RateLimitStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(bucket, rule, cost = 1) {
      const t = now();
      const rate = rule.refillPerSecond / 1000;
      const last = buckets.get(bucket);
      let tokens = last === undefined ? rule.capacity : Math.min(rule.capacity, last.tokens + Math.max(0, t - last.at) * rate);
      let wait = 0;
      const allowed = tokens >= cost;
      if (allowed) tokens -= cost;
      else wait = Math.ceil((cost - tokens) / rate);
      // A bucket that is full again is forgotten: idle callers leave nothing behind.
      if (tokens >= rule.capacity) buckets.delete(bucket);
      else buckets.set(bucket, { tokens, at: t });
      return { allowed, remaining: Math.floor(tokens), retryAfterMs: wait };
    },
  };
}
