import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { ClaimResult, Store } from "../types.js";

export interface StoreContractOptions {
  readonly name: string;
  readonly create: () => Promise<Store>;
}

export function runStoreContract(options: StoreContractOptions): void {
  describe(`store contract: ${options.name}`, () => {
    const open: Store[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    const store = async (): Promise<Store> => {
      const s = await options.create();
      open.push(s);
      return s;
    };
    const key = (): string => `k-${randomUUID()}`;
    /** Claims until the 1 ms lease before has lapsed (a condition, bounded at 5 s), yielding to the event loop between tries. */
    const claimOnceLapsed = async (claim: () => Promise<ClaimResult>): Promise<ClaimResult> => {
      const giveUpAt = Date.now() + 5_000;
      let result = await claim();
      while (result.kind === "IN_PROGRESS" && Date.now() < giveUpAt) {
        await new Promise((resolve) => setImmediate(resolve));
        result = await claim();
      }
      return result;
    };

    describe("rate limits", () => {
      it("lets a burst of its capacity through, then refuses with the wait the rule gives", async () => {
        const s = await store();
        const bucket = key();
        // One token back every 1000 s: nothing refills during the test.
        const rule = { capacity: 3, refillPerSecond: 0.001 };
        const taken = [];
        for (let i = 0; i < 4; i++) taken.push(await s.limits.take(bucket, rule));
        expect(taken.map((t) => [t.allowed, t.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
        const refused = taken[3];
        expect(refused?.retryAfterMs).toBeGreaterThan(0);
        expect(refused?.retryAfterMs).toBeLessThanOrEqual(1_000_000);
        // Another caller's bucket is its own.
        expect((await s.limits.take(key(), rule)).allowed).toBe(true);
      });

      it("refills with time, never past its capacity", async () => {
        const s = await store();
        const bucket = key();
        const rule = { capacity: 1, refillPerSecond: 1_000 };
        expect((await s.limits.take(bucket, rule)).allowed).toBe(true);
        // A token a millisecond: the bucket holds one again as soon as the clock moves (a condition, bounded at 5 s).
        const giveUpAt = Date.now() + 5_000;
        let again = await s.limits.take(bucket, rule);
        while (!again.allowed && Date.now() < giveUpAt) {
          await new Promise((resolve) => setImmediate(resolve));
          again = await s.limits.take(bucket, rule);
        }
        expect(again.allowed).toBe(true);
        expect(again.remaining).toBe(0);
      });
    });

    describe("API keys", () => {
      it("keeps a record per key id, replaced by a later put, and lists every one", async () => {
        const s = await store();
        const [a, b] = [key(), key()];
        expect(await s.apiKeys.get(a)).toBeNull();
        await s.apiKeys.put(a, '{"v":1}');
        await s.apiKeys.put(b, '{"v":2}');
        await s.apiKeys.put(a, '{"v":3}');
        expect(await s.apiKeys.get(a)).toBe('{"v":3}');
        const listed = (await s.apiKeys.list()).filter((r) => r.id === a || r.id === b);
        expect(listed.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual([{ id: a, record: '{"v":3}' }, { id: b, record: '{"v":2}' }].sort((x, y) => (x.id < y.id ? -1 : 1)));
      });
    });

    describe("due checks", () => {
      it("hands out what is due, oldest first, once per lease, and nothing before its time", async () => {
        const s = await store();
        const q = key();
        await s.due.schedule(q, "late", 3_000);
        await s.due.schedule(q, "early", 1_000);
        await s.due.schedule(q, "future", 9_000);
        expect(await s.due.takeDue(q, 5_000, 10, 30_000)).toEqual(["early", "late"]);
        // Taken: leased 30 s ahead, so a second taker at the same moment gets nothing.
        expect(await s.due.takeDue(q, 5_000, 10, 30_000)).toEqual([]);
        expect(await s.due.dueAt(q, "early")).toBe(35_000);
        await s.due.schedule(q, "early", 6_000);
        await s.due.cancel(q, "late");
        expect(await s.due.takeDue(q, 40_000, 1, 30_000)).toEqual(["early"]);
        expect(await s.due.dueAt(q, "late")).toBeNull();
      });

      it("counts checks per phase, starting again in a new phase and after a cancel", async () => {
        const s = await store();
        const q = key();
        expect(await s.due.countCheck(q, "p", "PROCESSING")).toBe(1);
        expect(await s.due.countCheck(q, "p", "PROCESSING")).toBe(2);
        expect(await s.due.countCheck(q, "other", "PROCESSING")).toBe(1);
        expect(await s.due.countCheck(q, "p", "CREATED")).toBe(1);
        expect(await s.due.countCheck(q, "p", "CREATED")).toBe(2);
        await s.due.cancel(q, "p");
        expect(await s.due.countCheck(q, "p", "CREATED")).toBe(1);
      });

      it("gives each due id to exactly one of many concurrent takers", async () => {
        const s = await store();
        const q = key();
        for (let i = 0; i < 20; i++) await s.due.schedule(q, `p-${i}`, 100 + i);
        const taken = (await Promise.all(Array.from({ length: 8 }, () => s.due.takeDue(q, 1_000, 5, 60_000)))).flat();
        expect(taken.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p-${i}`).sort());
      });
    });

    describe("idempotency", () => {
      it("lets exactly one of 50 concurrent claims of a key win", async () => {
        const s = await store();
        const k = key();
        const results = await Promise.all(Array.from({ length: 50 }, () => s.idempotency.claim(k, "fp-1", 30_000, randomUUID())));
        expect(results.filter((r) => r.kind === "CLAIMED")).toHaveLength(1);
        expect(results.filter((r) => r.kind === "IN_PROGRESS")).toHaveLength(49);
      });

      it("replays the stored answer to the same request, and refuses a different one", async () => {
        const s = await store();
        const k = key();
        expect(await s.idempotency.claim(k, "fp-1", 30_000)).toEqual({ kind: "CLAIMED" });
        await s.idempotency.complete(k, "fp-1", '{"paymentId":"p-1"}', 86_400_000);
        expect(await s.idempotency.claim(k, "fp-1", 30_000)).toEqual({ kind: "REPLAY", response: '{"paymentId":"p-1"}' });
        expect(await s.idempotency.claim(k, "fp-2", 30_000)).toEqual({ kind: "MISMATCH" });
      });

      it("refuses a different request while the first is in progress", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000);
        expect(await s.idempotency.claim(k, "fp-2", 30_000)).toEqual({ kind: "MISMATCH" });
      });

      it("lets a released claim be claimed again, but never a completed one", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000);
        await s.idempotency.release(k, "fp-1");
        expect(await s.idempotency.claim(k, "fp-1", 30_000)).toEqual({ kind: "CLAIMED" });
        await s.idempotency.complete(k, "fp-1", "answer", 60_000);
        await s.idempotency.release(k, "fp-1");
        expect(await s.idempotency.claim(k, "fp-1", 30_000)).toEqual({ kind: "REPLAY", response: "answer" });
      });

      it("keeps a claim only for its lease, and an answer for its TTL", async () => {
        const s = await store();
        const k = key();
        expect(await s.idempotency.ttl(k)).toBeNull();
        await s.idempotency.claim(k, "fp-1", 30_000);
        const lease = await s.idempotency.ttl(k);
        expect(lease).toBeGreaterThan(0);
        expect(lease).toBeLessThanOrEqual(30_000);
        await s.idempotency.complete(k, "fp-1", "answer", 86_400_000);
        expect(await s.idempotency.ttl(k)).toBeGreaterThan(30_000);
      });

      it("does not let a late release of an attempt free the claim another attempt took over", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000, "first");
        expect(await s.idempotency.renew(k, "fp-1", "first", 1)).toBe(true);
        const next = await claimOnceLapsed(() => s.idempotency.claim(k, "fp-1", 30_000, "second"));
        expect(["CLAIMED", "TAKEN_OVER"]).toContain(next.kind);
        await s.idempotency.release(k, "fp-1", "first");
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "third")).toMatchObject({ kind: "IN_PROGRESS" });
        await s.idempotency.release(k, "fp-1", "second");
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "third")).toEqual({ kind: "CLAIMED" });
      });

      it("does not let another fingerprint complete or release a claim", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000, "first");
        await s.idempotency.complete(k, "fp-2", "forged", 60_000);
        await s.idempotency.release(k, "fp-2");
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "second")).toMatchObject({ kind: "IN_PROGRESS" });
      });

      it("answers a resent claim of the same attempt CLAIMED, never IN_PROGRESS against itself", async () => {
        const s = await store();
        const k = key();
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "attempt-1")).toEqual({ kind: "CLAIMED" });
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "attempt-1")).toEqual({ kind: "CLAIMED" });
        const other = await s.idempotency.claim(k, "fp-1", 30_000, "attempt-2");
        expect(other.kind).toBe("IN_PROGRESS");
        expect(other.kind === "IN_PROGRESS" && other.retryAfterMs).toBeGreaterThan(0);
      });

      it("hands a claim whose owner stopped renewing to the next attempt, with what the first one intended", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000, "dead");
        expect(await s.idempotency.intend(k, "fp-1", "dead", '{"plan":1}', 60_000)).toBe(true);
        // The first attempt's last renewal is 1 ms long and it renews nothing after that: the lease lapses
        // at once. Wait for that, not for a time. (Claiming with 1 ms instead could lapse before `intend`.)
        expect(await s.idempotency.renew(k, "fp-1", "dead", 1)).toBe(true);
        const next = await claimOnceLapsed(() => s.idempotency.claim(k, "fp-1", 30_000, "alive"));
        expect(next).toEqual({ kind: "TAKEN_OVER", intent: '{"plan":1}' });
        // The dead owner can no longer renew, record or take it back; the new one completes it.
        expect(await s.idempotency.renew(k, "fp-1", "dead", 30_000)).toBe(false);
        expect(await s.idempotency.intend(k, "fp-1", "dead", "other", 60_000)).toBe(false);
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "dead")).toMatchObject({ kind: "IN_PROGRESS" });
        await s.idempotency.complete(k, "fp-1", "answer", 60_000);
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "third")).toEqual({ kind: "REPLAY", response: "answer" });
      });

      it("keeps a renewed claim from the next attempt, and takes one with nothing intended as a fresh start", async () => {
        const s = await store();
        const k = key();
        await s.idempotency.claim(k, "fp-1", 30_000, "a");
        expect(await s.idempotency.renew(k, "fp-1", "a", 30_000)).toBe(true);
        expect(await s.idempotency.claim(k, "fp-1", 30_000, "b")).toMatchObject({ kind: "IN_PROGRESS" });
        const k2 = key();
        await s.idempotency.claim(k2, "fp-1", 1, "a");
        const next = await claimOnceLapsed(() => s.idempotency.claim(k2, "fp-1", 30_000, "b"));
        expect(["CLAIMED", "TAKEN_OVER"]).toContain(next.kind);
        if (next.kind === "TAKEN_OVER") expect(next.intent).toBeNull();
      });
    });

    describe("projections", () => {
      it("writes versions in sequence and reads the latest", async () => {
        const s = await store();
        const id = key();
        expect(await s.projections.read(id)).toBeNull();
        expect(await s.projections.write(id, "v1", 0)).toEqual({ kind: "WRITTEN", version: 1 });
        expect(await s.projections.write(id, "v2", 1)).toEqual({ kind: "WRITTEN", version: 2 });
        expect(await s.projections.read(id)).toEqual({ version: 2, value: "v2" });
      });

      it("refuses a write based on a stale version and keeps the newer value", async () => {
        const s = await store();
        const id = key();
        await s.projections.write(id, "v1", 0);
        await s.projections.write(id, "v2", 1);
        expect(await s.projections.write(id, "stale", 1)).toEqual({ kind: "CONFLICT", current: 2 });
        expect(await s.projections.read(id)).toEqual({ version: 2, value: "v2" });
      });

      it("lets one of many concurrent writers of the same version win", async () => {
        const s = await store();
        const id = key();
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.projections.write(id, `w${i}`, 0)));
        expect(results.filter((r) => r.kind === "WRITTEN")).toHaveLength(1);
        expect(results.filter((r) => r.kind === "CONFLICT")).toHaveLength(19);
      });

      it("lists projections newest first, by tag and time, keeping the first time each was listed at, and pages without gaps", async () => {
        const s = await store();
        const tag = `t-${key()}`;
        const other = `o-${key()}`;
        // Ids of one test run: they sort the same way as their listing time here.
        const ids = Array.from({ length: 7 }, (_, i) => `${key()}-${i}`);
        const base = 1_700_000_000_000 + Math.floor(Math.random() * 1e9);
        const ats = [base, base + 10, base + 10, base + 10, base + 20, base + 30, base + 40];
        for (const [i, id] of ids.entries()) {
          expect(await s.projections.write(id, "v1", 0, { at: ats[i] ?? 0, tags: i % 2 === 0 ? [tag] : [tag, other] })).toEqual({ kind: "WRITTEN", version: 1 });
        }
        // A later write with another time and no index moves nothing; a refused write lists nothing.
        await s.projections.write(ids[0] ?? "", "v2", 1, { at: base + 1_000, tags: [tag] });
        expect(await s.projections.write(`${key()}-x`, "v", 3, { at: base + 5, tags: [tag] })).toMatchObject({ kind: "CONFLICT" });

        const all = await s.projections.list({ tag, limit: 100 });
        expect(all.map((e) => e.at)).toEqual([...ats].reverse());
        expect(new Set(all.map((e) => e.id))).toEqual(new Set(ids));
        expect((await s.projections.list({ tag: other, limit: 100 })).map((e) => e.id).sort()).toEqual([ids[1], ids[3], ids[5]].sort());
        expect((await s.projections.list({ tag, from: base + 10, to: base + 20, limit: 100 })).map((e) => e.at)).toEqual([base + 20, base + 10, base + 10, base + 10]);

        // Pages of two, each from the last of the page before: every id once, in order.
        const paged: Array<{ id: string; at: number }> = [];
        for (let page = await s.projections.list({ tag, limit: 2 }); page.length > 0; ) {
          paged.push(...page);
          const last = page[page.length - 1] as { id: string; at: number };
          page = await s.projections.list({ tag, limit: 2, to: last.at, after: last.id });
        }
        expect(paged).toEqual(all);
        expect((await s.projections.list({ limit: 3 })).length).toBeGreaterThan(0);
      });
    });
    describe("webhooks", () => {
      const item = (endpointId: string, lane: string, n: number) => ({ id: `${endpointId}-${lane}-${n}`, endpointId, lane, record: `{"n":${n}}` });

      it("keeps endpoints by id, and forgets one with what waits for it", async () => {
        const s = await store();
        const id = key();
        await s.webhooks.putEndpoint(id, "e1");
        await s.webhooks.putEndpoint(id, "e2");
        expect(await s.webhooks.getEndpoint(id)).toBe("e2");
        expect((await s.webhooks.listEndpoints()).filter((e) => e.id === id)).toEqual([{ id, record: "e2" }]);
        await s.webhooks.enqueue(item(id, "p1", 1), 1_000);
        expect(await s.webhooks.deleteEndpoint(id)).toBe(true);
        expect(await s.webhooks.deleteEndpoint(id)).toBe(false);
        expect(await s.webhooks.getEndpoint(id)).toBeNull();
        expect(await s.webhooks.takeDue(id, 2_000, 10, 100)).toEqual([]);
      });

      it("gives a lane's deliveries one at a time in order, holds a retried head back without holding other lanes, and drops a repeat", async () => {
        const s = await store();
        const ep = key();
        for (let n = 1; n <= 3; n++) expect(await s.webhooks.enqueue(item(ep, "a", n), 1_000 + n)).toBe(true);
        expect(await s.webhooks.enqueue(item(ep, "b", 1), 1_010)).toBe(true);
        expect(await s.webhooks.enqueue(item(ep, "a", 2), 1_020)).toBe(false);
        expect(await s.webhooks.waiting(ep)).toBe(2);

        // Only the heads, and each lane leased: taken again only once the lease lapses.
        const first = await s.webhooks.takeDue(ep, 2_000, 10, 500);
        expect(first.map((i) => i.id)).toEqual([`${ep}-a-1`, `${ep}-b-1`]);
        expect(await s.webhooks.takeDue(ep, 2_100, 10, 500)).toEqual([]);
        expect((await s.webhooks.takeDue(ep, 2_500, 10, 500)).map((i) => i.id)).toEqual([`${ep}-a-1`, `${ep}-b-1`]);

        // a-1 fails: it stays first in its lane, due later; b-1 goes out and b empties.
        expect(await s.webhooks.settle({ ...item(ep, "a", 1), record: "retry" }, { kind: "RETRY", atMs: 9_000 }, 3_000)).toBe(true);
        expect(await s.webhooks.settle(item(ep, "b", 1), { kind: "DONE" }, 3_000)).toBe(true);
        expect(await s.webhooks.waiting(ep)).toBe(1);
        expect(await s.webhooks.takeDue(ep, 8_999, 10, 500)).toEqual([]);
        expect(await s.webhooks.takeDue(ep, 9_000, 10, 500)).toEqual([{ ...item(ep, "a", 1), record: "retry" }]);
        // A settle of what is not the head (a late taker's) changes nothing.
        expect(await s.webhooks.settle(item(ep, "a", 2), { kind: "DONE" }, 9_000)).toBe(false);
        expect(await s.webhooks.settle(item(ep, "a", 1), { kind: "DONE" }, 9_100)).toBe(true);
        expect((await s.webhooks.takeDue(ep, 9_100, 10, 500)).map((i) => i.id)).toEqual([`${ep}-a-2`]);
        expect(await s.webhooks.settle(item(ep, "a", 2), { kind: "DONE" }, 9_200)).toBe(true);
        expect((await s.webhooks.takeDue(ep, 9_200, 10, 500)).map((i) => i.id)).toEqual([`${ep}-a-3`]);
        expect(await s.webhooks.settle(item(ep, "a", 3), { kind: "DONE" }, 9_300)).toBe(true);
        expect(await s.webhooks.waiting(ep)).toBe(0);
        expect(await s.webhooks.takeDue(ep, 99_999, 10, 500)).toEqual([]);
      });

      it("logs deliveries newest first with their latest record, and requeues a settled one at its lane's end", async () => {
        const s = await store();
        const ep = key();
        for (let n = 1; n <= 3; n++) await s.webhooks.enqueue(item(ep, "a", n), 1_000 + n);
        await s.webhooks.takeDue(ep, 2_000, 10, 500);
        await s.webhooks.settle({ ...item(ep, "a", 1), record: "delivered" }, { kind: "DONE" }, 2_000);
        expect((await s.webhooks.deliveries(ep, { limit: 10 })).map((i) => [i.id, i.record])).toEqual([
          [`${ep}-a-3`, '{"n":3}'],
          [`${ep}-a-2`, '{"n":2}'],
          [`${ep}-a-1`, "delivered"],
        ]);
        expect((await s.webhooks.deliveries(ep, { limit: 10, beforeMs: 1_003 })).map((i) => i.id)).toEqual([`${ep}-a-2`, `${ep}-a-1`]);
        expect(await s.webhooks.getDelivery(`${ep}-a-1`)).toEqual({ ...item(ep, "a", 1), record: "delivered" });
        expect(await s.webhooks.getDelivery(`${ep}-nope`)).toBeNull();

        // Still waiting: not requeued. Settled: goes after the lane's others.
        expect(await s.webhooks.requeue(item(ep, "a", 2), 2_100)).toBe(false);
        expect(await s.webhooks.requeue({ ...item(ep, "a", 1), record: "again" }, 2_100)).toBe(true);
        expect(await s.webhooks.requeue(item(ep, "a", 1), 2_100)).toBe(false);
        const order: string[] = [];
        for (let now = 3_000; ; now += 1) {
          const [head] = await s.webhooks.takeDue(ep, now, 10, 500);
          if (!head) break;
          order.push(head.record);
          await s.webhooks.settle(head, { kind: "DONE" }, now);
        }
        expect(order).toEqual(['{"n":2}', '{"n":3}', "again"]);
      });
    });
  });
}
