import { describe, expect, it } from "vitest";
import { createMemoryLimits, MEMORY_BUCKETS_SWEEP_AT } from "./token-bucket.js";

describe("memory token buckets", () => {
  it("holds a bounded number of buckets however many callers come once, and still limits the ones that are busy", async () => {
    let t = 0;
    const limits = createMemoryLimits(() => t);
    // 100 at once, 1 a second: a caller that took 1 is full again a second later, one that took 100 after 100 s.
    const rule = { capacity: 100, refillPerSecond: 1 };
    expect((await limits.take("busy", rule, 100)).allowed).toBe(true);
    const callers = 3 * MEMORY_BUCKETS_SWEEP_AT;
    for (let i = 0; i < callers; i++) {
      t += 1;
      const taken = await limits.take(`addr-${i}`, rule);
      expect(taken.allowed).toBe(true);
    }
    expect(limits.size()).toBeLessThanOrEqual(MEMORY_BUCKETS_SWEEP_AT);
    // 30 s on, the busy caller has 30 tokens back, not 100: its bucket was kept.
    const busy = await limits.take("busy", rule, 100);
    expect(busy.allowed).toBe(false);
    expect(busy.remaining).toBe(30);
    // A caller swept out starts full, as one never seen does.
    expect(await limits.take("addr-0", rule)).toEqual({ allowed: true, remaining: 99, retryAfterMs: 0 });
  });
});
