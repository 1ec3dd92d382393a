import { randomUUID } from "node:crypto";
import type { Codec, SchemaDocument, TopicSpec } from "@riel/schemas";
import { parseDocuments } from "@riel/schemas";
import { afterEach, describe, expect, it } from "vitest";
import type { Bus, BusObserver, DeadLetterCause, IncomingRecord, RecordOutcome, Subscription } from "../types.js";
import { deadLetterHeaders, PermanentError } from "../types.js";

/** What an adapter claims; a test for a feature it lacks is skipped with the reason given. */
export interface BusFeatures {
  /** Several members of one consumer group share its partitions. */
  readonly sharedGroups: true | { readonly unsupported: string };
}

export interface BusContractOptions {
  readonly name: string;
  readonly features: BusFeatures;
  /** A bus whose codec knows the given topics, telling `observer` what it does; a second call must reach the same broker. */
  readonly create: (topics: readonly TopicSpec[], catalog: ReturnType<typeof parseDocuments>, observer?: BusObserver) => Promise<Bus>;
}

const PING = "riel.contract.Ping";
export const contractDocuments: readonly SchemaDocument[] = [
  {
    file: "ping.avsc",
    schema: {
      type: "record",
      name: "Ping",
      namespace: "riel.contract",
      fields: [
        { name: "key", type: "string" },
        { name: "seq", type: "int" },
      ],
    },
  },
];
const catalog = parseDocuments(contractDocuments);

interface Ping {
  readonly key: string;
  readonly seq: number;
}

/** Collects handled records and lets a test await a count, with no sleeping. */
class Seen {
  readonly records: IncomingRecord[] = [];
  #waiters: Array<{ n: number; resolve: () => void }> = [];
  add(r: IncomingRecord): void {
    this.records.push(r);
    this.#waiters = this.#waiters.filter((w) => (this.records.length >= w.n ? (w.resolve(), false) : true));
  }
  waitFor(n: number): Promise<void> {
    if (this.records.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
  pings(): Ping[] {
    return this.records.map((r) => r.value as Ping);
  }
}

/** What a bus told its observer, and a way to await a condition on it, with no sleeping. */
class Observed {
  readonly tries: Array<{ readonly topic: string; readonly outcome: RecordOutcome; readonly group: string }> = [];
  readonly deadLetters: Array<{ readonly topic: string; readonly cause: DeadLetterCause; readonly group: string }> = [];
  /** The last lag reported per partition; null once the partition was given up. */
  readonly lag = new Map<number, number | null>();
  #waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  readonly observer: BusObserver = {
    recordHandled: (e) => this.#changed(() => this.tries.push(e)),
    deadLettered: (e) => this.#changed(() => this.deadLetters.push(e)),
    consumerLag: (e) => this.#changed(() => this.lag.set(e.partition, e.lag)),
  };
  outcomes(): RecordOutcome[] {
    return this.tries.map((t) => t.outcome).sort();
  }
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ check, resolve }));
  }
  #changed(change: () => void): void {
    change();
    this.#waiters = this.#waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
  }
}

/** A promise with its resolver outside, for handlers that must block until a test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export function runBusContract(options: BusContractOptions): void {
  describe(`bus contract: ${options.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function setup(partitions = 3, observer?: BusObserver): Promise<{ topic: string; bus: Bus; again: () => Promise<Bus>; group: string }> {
      const topic = `contract.${randomUUID().slice(0, 8)}`;
      const specs: TopicSpec[] = [
        { name: topic, records: [PING], doc: "contract test" },
        { name: `${topic}.dlq`, records: [], doc: "dead letters" },
      ];
      const make = async (): Promise<Bus> => {
        const bus = await options.create(specs, catalog, observer);
        await bus.start([{ name: topic, partitions }]);
        cleanups.push(() => bus.close());
        return bus;
      };
      return { topic, bus: await make(), again: make, group: `group-${randomUUID().slice(0, 8)}` };
    }

    const ping = (key: string, seq: number) => ({ type: PING, value: { key, seq } });
    const track = (sub: Subscription): Subscription => sub;

    it("delivers what was published, with its headers", async () => {
      const { topic, bus, group } = await setup();
      const seen = new Seen();
      track(await bus.subscribe({ group, topics: [topic], handler: async (r) => void seen.add(r) }));
      await bus.publish(topic, "k1", ping("k1", 1), { "x-correlation-id": "c-1" });
      await seen.waitFor(1);
      expect(seen.records[0]).toMatchObject({ topic, key: "k1", type: PING, value: { key: "k1", seq: 1 }, attempt: 1 });
      expect(seen.records[0]?.headers["x-correlation-id"]).toBe("c-1");
    });

    it("starts a new group at the latest records when asked: a live feed sees news, not history", async () => {
      const { topic, bus, group } = await setup();
      for (let i = 0; i < 5; i++) await bus.publish(topic, `old-${i}`, ping(`old-${i}`, i));
      const seen = new Seen();
      track(await bus.subscribe({ group, topics: [topic], startAt: "latest", handler: async (r) => void seen.add(r) }));
      // The group settles on "latest" when it first fetches; news published until one arrives.
      for (let i = 0; seen.records.length === 0; i++) {
        await bus.publish(topic, `new-${i}`, ping(`new-${i}`, i));
        await Promise.race([seen.waitFor(1), new Promise((resolve) => setTimeout(resolve, 250))]);
      }
      expect(seen.records.map((r) => r.key).filter((k) => k.startsWith("old-"))).toEqual([]);
      // A group that starts at the earliest (the default) sees the history.
      const all = new Seen();
      track(await bus.subscribe({ group: `${group}-all`, topics: [topic], handler: async (r) => void all.add(r) }));
      await all.waitFor(5);
      expect(all.records.map((r) => r.key).filter((k) => k.startsWith("old-")).sort()).toEqual(["old-0", "old-1", "old-2", "old-3", "old-4"]);
    });

    it("keeps per-key order under concurrent publishes and concurrent handling, losing nothing", async () => {
      const { topic, bus, group } = await setup();
      const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`);
      const perKey = 40;
      // Unawaited, interleaved publishes: the batching path under the load that broke kafkajs's idempotent producer.
      const sends: Array<Promise<void>> = [];
      for (let seq = 0; seq < perKey; seq++) for (const k of keys) sends.push(bus.publish(topic, k, ping(k, seq)));
      await Promise.all(sends);

      const seen = new Seen();
      let inFlight = 0;
      let maxInFlight = 0;
      const active = new Set<string>();
      let overlapSameKey = false;
      track(
        await bus.subscribe({
          group,
          topics: [topic],
          concurrency: 8,
          handler: async (r) => {
            if (active.has(r.key)) overlapSameKey = true;
            active.add(r.key);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((resolve) => setImmediate(resolve));
            inFlight--;
            active.delete(r.key);
            seen.add(r);
          },
        }),
      );
      await seen.waitFor(keys.length * perKey);
      expect(seen.records).toHaveLength(keys.length * perKey);
      for (const k of keys) {
        expect(seen.pings().filter((p) => p.key === k).map((p) => p.seq)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      }
      expect(overlapSameKey).toBe(false);
      expect(maxInFlight).toBeGreaterThan(1);
    });

    it("redelivers a record whose handler crashed before finishing", async () => {
      const { topic, bus, again, group } = await setup(1);
      const blocked = gate();
      const started = gate();
      const first = await bus.subscribe({
        group,
        topics: [topic],
        handler: async () => {
          started.open();
          await blocked.promise;
        },
      });
      await bus.publish(topic, "k", ping("k", 1));
      await started.promise;
      await first.kill();
      blocked.open();

      const seen = new Seen();
      const bus2 = await again();
      track(await bus2.subscribe({ group, topics: [topic], handler: async (r) => void seen.add(r) }));
      await seen.waitFor(1);
      expect(seen.pings()).toEqual([{ key: "k", seq: 1 }]);
    });

    it("dead-letters a poison record with its reason while later records keep flowing", async () => {
      const { topic, bus, group } = await setup(1);
      const seen = new Seen();
      const dead = new Seen();
      let flaky = 0;
      track(
        await bus.subscribe({
          group,
          topics: [topic],
          retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
          handler: async (r) => {
            const p = r.value as Ping;
            if (p.key === "permanent") throw new PermanentError("payee key is not a Pix key");
            if (p.key === "always") throw new Error("provider timed out");
            if (p.key === "flaky" && ++flaky < 3) throw new Error("connection reset");
            seen.add(r);
          },
        }),
      );
      track(await bus.subscribeRaw({ group: `${group}-dlq`, topics: [`${topic}.dlq`], handler: async (r) => void dead.add(r) }));

      await bus.publishRaw(topic, "garbage", Buffer.from("not avro at all"));
      await bus.publish(topic, "permanent", ping("permanent", 1));
      await bus.publish(topic, "always", ping("always", 1));
      await bus.publish(topic, "flaky", ping("flaky", 1));
      await bus.publish(topic, "fine", ping("fine", 1));

      await seen.waitFor(2);
      await dead.waitFor(3);
      // Different keys: "fine" need not wait for "flaky" to finish retrying.
      expect(seen.pings().map((p) => p.key).sort()).toEqual(["fine", "flaky"]);
      expect(seen.records.find((r) => r.key === "flaky")?.attempt).toBe(3);
      const byKey = new Map(dead.records.map((r) => [r.key, r.headers]));
      expect(byKey.get("garbage")?.[deadLetterHeaders.reason]).toMatch(/DecodeError/);
      expect(byKey.get("garbage")?.[deadLetterHeaders.sourceTopic]).toBe(topic);
      expect(byKey.get("garbage")?.[deadLetterHeaders.partition]).toBe("0");
      expect(byKey.get("garbage")?.[deadLetterHeaders.offset]).toBe("0");
      expect(byKey.get("permanent")?.[deadLetterHeaders.reason]).toBe("PermanentError: payee key is not a Pix key");
      expect(byKey.get("permanent")?.[deadLetterHeaders.attempts]).toBe("1");
      expect(byKey.get("always")?.[deadLetterHeaders.reason]).toBe("Error: provider timed out");
      expect(byKey.get("always")?.[deadLetterHeaders.attempts]).toBe("3");
      expect(dead.records.find((r) => r.key === "garbage")?.value).toEqual(Buffer.from("not avro at all"));
    });

    it("tells its observer how each try ended, what was dead-lettered, its lag and its membership", async () => {
      const observed = new Observed();
      const { topic, bus, group } = await setup(2, observed.observer);
      await bus.probe();
      let flaky = 0;
      const sub = await bus.subscribe({
        group,
        topics: [topic],
        retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
        handler: async (r) => {
          const p = r.value as Ping;
          if (p.key === "permanent") throw new PermanentError("payee key is not a Pix key");
          if (p.key === "flaky" && ++flaky < 2) throw new Error("connection reset");
        },
      });
      expect(bus.memberships()).toEqual([{ group, member: true, detail: null }]);
      await bus.publishRaw(topic, "garbage", Buffer.from("not avro at all"));
      await bus.publish(topic, "permanent", ping("permanent", 1));
      await bus.publish(topic, "flaky", ping("flaky", 1));
      await bus.publish(topic, "fine", ping("fine", 1));

      // Every record handled and committed: each partition that got one reports no lag.
      await observed.until(() => observed.tries.length >= 5 && observed.deadLetters.length >= 2 && [...observed.lag.values()].every((l) => l === 0) && observed.lag.size > 0);
      expect(observed.outcomes()).toEqual(["dead_lettered", "dead_lettered", "ok", "ok", "retried"]);
      expect(observed.tries.every((t) => t.topic === topic && t.group === group)).toBe(true);
      expect(observed.deadLetters.map((d) => d.cause).sort()).toEqual(["permanent", "undecodable"]);

      await sub.stop();
      expect(bus.memberships()).toEqual([{ group, member: false, detail: expect.any(String) as string }]);
      expect([...observed.lag.values()].every((l) => l === null)).toBe(true);
    });

    it("never commits past an unfinished record", async () => {
      const { topic, bus, again, group } = await setup(1);
      const slow = gate();
      const seen = new Seen();
      const first = await bus.subscribe({
        group,
        topics: [topic],
        concurrency: 4,
        handler: async (r) => {
          if ((r.value as Ping).key === "slow") await slow.promise;
          seen.add(r);
        },
      });
      await bus.publish(topic, "slow", ping("slow", 1));
      await bus.publish(topic, "b", ping("b", 2));
      await bus.publish(topic, "c", ping("c", 3));
      await seen.waitFor(2);
      expect(seen.pings().map((p) => p.key)).toEqual(["b", "c"]);
      await first.kill();
      slow.open();

      // b and c finished, but the slow record before them did not: all three come back.
      const after = new Seen();
      const bus2 = await again();
      track(await bus2.subscribe({ group, topics: [topic], handler: async (r) => void after.add(r) }));
      await after.waitFor(3);
      expect(after.pings().map((p) => p.key)).toEqual(["slow", "b", "c"]);
    });

    it("resumes a restarted consumer where it committed", async () => {
      const { topic, bus, again, group } = await setup();
      const seen = new Seen();
      for (let i = 0; i < 10; i++) await bus.publish(topic, `k${i % 3}`, ping(`k${i % 3}`, i));
      const first = await bus.subscribe({ group, topics: [topic], handler: async (r) => void seen.add(r) });
      await seen.waitFor(10);
      await first.stop();
      for (let i = 10; i < 15; i++) await bus.publish(topic, `k${i % 3}`, ping(`k${i % 3}`, i));

      const after = new Seen();
      const bus2 = await again();
      track(await bus2.subscribe({ group, topics: [topic], handler: async (r) => void after.add(r) }));
      await after.waitFor(5);
      // A sixth record would mean a re-read of committed work; publish a marker and stop at it.
      await bus.publish(topic, "marker", ping("marker", 99));
      await after.waitFor(6);
      expect(after.pings().map((p) => p.seq).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 99]);
    });

    it("gives every consumer group its own copy", async () => {
      const { topic, bus, group } = await setup();
      const a = new Seen();
      const b = new Seen();
      track(await bus.subscribe({ group: `${group}-a`, topics: [topic], handler: async (r) => void a.add(r) }));
      track(await bus.subscribe({ group: `${group}-b`, topics: [topic], handler: async (r) => void b.add(r) }));
      await Promise.all([1, 2, 3].map((i) => bus.publish(topic, `k${i}`, ping(`k${i}`, i))));
      await Promise.all([a.waitFor(3), b.waitFor(3)]);
      expect(a.pings().map((p) => p.seq).sort()).toEqual([1, 2, 3]);
      expect(b.pings().map((p) => p.seq).sort()).toEqual([1, 2, 3]);
    });

    const shared = options.features.sharedGroups;
    it.skipIf(shared !== true)(
      `shares one group's partitions between members, each record handled once${shared === true ? "" : ` (skipped: ${shared.unsupported})`}`,
      async () => {
        const { topic, bus, again, group } = await setup(4);
        const seen = new Seen();
        const bus2 = await again();
        track(await bus.subscribe({ group, topics: [topic], handler: async (r) => void seen.add(r) }));
        track(await bus2.subscribe({ group, topics: [topic], handler: async (r) => void seen.add(r) }));
        await Promise.all(Array.from({ length: 40 }, (_, i) => bus.publish(topic, `k${i}`, ping(`k${i}`, i))));
        await seen.waitFor(40);
        expect(new Set(seen.pings().map((p) => p.seq)).size).toBe(40);
      },
    );
  });
}

export type { Codec };
