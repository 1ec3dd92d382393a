import type { RateLimitStore } from "../types.js";

/** Buckets held before the ones that are full again by now are swept out (the map is keyed by whoever calls). */
export const MEMORY_BUCKETS_SWEEP_AT = 10_000;

/** Token buckets in this process (embedded mode, unit tests); `now` can be moved by tests. */
export function createMemoryLimits(now: () => number): RateLimitStore & { readonly size: () => number } {
  /** `fullAt`: when the bucket will have refilled to capacity, so is the same as a forgotten one. */
  const buckets = new Map<string, { tokens: number; at: number; fullAt: number }>();
  let sweepAt = MEMORY_BUCKETS_SWEEP_AT;
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
      else buckets.set(bucket, { tokens, at: t, fullAt: t + Math.ceil((rule.capacity - tokens) / rate) });
      // A caller that never comes back is not looked at again: sweep such buckets once many are held
      // (next when twice as many remain, so a sweep costs O(1) per take).
      if (buckets.size >= sweepAt) {
        for (const [key, b] of buckets) if (b.fullAt <= t) buckets.delete(key);
        sweepAt = Math.max(MEMORY_BUCKETS_SWEEP_AT, 2 * buckets.size);
      }
      return { allowed, remaining: Math.floor(tokens), retryAfterMs: wait };
    },
    size: () => buckets.size,
  };
}
