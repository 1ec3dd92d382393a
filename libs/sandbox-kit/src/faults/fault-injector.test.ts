import { describe, expect, it } from "vitest";
import { FaultInjector } from "./fault-injector.js";
import { NO_FAULTS, type FaultProfile } from "./fault-profile.js";

const HALF: FaultProfile = {
  ...NO_FAULTS,
  error5xx: 0.3,
  timeout: 0.3,
  duplicateCallback: 0.5,
  reorderCallback: 0.5,
  delayCallback: 0.5,
  dropCallback: 0.3,
  maxDelayMs: 1_000,
  seed: 42,
};

const requests = (injector: FaultInjector, n: number) => Array.from({ length: n }, () => injector.requestFault());
const callbacks = (injector: FaultInjector, n: number) => Array.from({ length: n }, () => injector.callbackFaults());

describe("FaultInjector", () => {
  it("decides the same for the same seed, and otherwise for another seed", () => {
    const a = new FaultInjector(HALF);
    const b = new FaultInjector(HALF);
    const other = new FaultInjector({ ...HALF, seed: 43 });
    const first = { requests: requests(a, 64), callbacks: callbacks(a, 64) };
    expect({ requests: requests(b, 64), callbacks: callbacks(b, 64) }).toEqual(first);
    expect({ requests: requests(other, 64), callbacks: callbacks(other, 64) }).not.toEqual(first);
    // Every kind of decision occurs with these probabilities (the sequences are fixed by the seed).
    expect(new Set(first.requests)).toEqual(new Set(["error5xx", "timeout", null]));
    expect(first.callbacks.some((d) => d.drop)).toBe(true);
    expect(first.callbacks.some((d) => d.duplicate && d.reorder && d.delayMs !== null)).toBe(true);
    for (const d of first.callbacks) if (d.delayMs !== null) expect(d.delayMs).toBeGreaterThanOrEqual(0);
    for (const d of first.callbacks) if (d.delayMs !== null) expect(d.delayMs).toBeLessThanOrEqual(1_000);
  });

  it("keeps requests and callbacks on separate streams: interleaving does not change either", () => {
    const alone = new FaultInjector(HALF);
    const expectedRequests = requests(alone, 20);
    const mixed = new FaultInjector(HALF);
    const seen: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      callbacks(mixed, i % 3);
      seen.push(mixed.requestFault());
    }
    expect(seen).toEqual(expectedRequests);
  });

  it("never injects at probability 0 and always at 1", () => {
    const none = new FaultInjector(NO_FAULTS);
    expect(new Set(requests(none, 50))).toEqual(new Set([null]));
    expect(callbacks(none, 50).every((d) => !d.drop && !d.duplicate && !d.reorder && d.delayMs === null)).toBe(true);
    expect(new Set(requests(new FaultInjector({ ...NO_FAULTS, error5xx: 1, timeout: 1 }), 50))).toEqual(new Set(["error5xx"]));
    expect(new Set(requests(new FaultInjector({ ...NO_FAULTS, timeout: 1 }), 50))).toEqual(new Set(["timeout"]));
    const all = callbacks(new FaultInjector({ ...NO_FAULTS, duplicateCallback: 1, reorderCallback: 1, delayCallback: 1, maxDelayMs: 0 }), 50);
    expect(all.every((d) => !d.drop && d.duplicate && d.reorder && d.delayMs === 0)).toBe(true);
    // A drop excludes the others.
    expect(callbacks(new FaultInjector({ ...NO_FAULTS, dropCallback: 1, duplicateCallback: 1 }), 3)).toEqual(
      Array.from({ length: 3 }, () => ({ drop: true, duplicate: false, reorder: false, delayMs: null })),
    );
  });

  it("reseeds on configure, and keeps its counters", () => {
    const injector = new FaultInjector(HALF);
    const first = requests(injector, 30);
    injector.count("error5xx");
    injector.configure({ ...HALF });
    expect(requests(injector, 30)).toEqual(first);
    injector.configure({ ...HALF, seed: 7 });
    expect(requests(injector, 30)).toEqual(requests(new FaultInjector({ ...HALF, seed: 7 }), 30));
    expect(injector.counters()).toEqual({ error5xx: 1, timeout: 0, duplicateCallback: 0, reorderCallback: 0, delayCallback: 0, dropCallback: 0 });
    expect(injector.report()).toEqual({ profile: { ...HALF, seed: 7 }, injected: injector.counters(), heldResponses: 0 });
  });

  it("lets a test wait for faults and for held answers, without sleeping", async () => {
    const injector = new FaultInjector();
    const twoTimeouts = injector.injected("timeout", 2);
    let resolved = false;
    void twoTimeouts.then(() => {
      resolved = true;
    });
    injector.count("timeout");
    await Promise.resolve();
    expect(resolved).toBe(false);
    injector.count("timeout");
    await twoTimeouts;
    injector.holdStarted();
    expect(injector.heldResponses).toBe(1);
    const released = injector.noneHeld();
    injector.holdEnded();
    await released;
    expect(injector.heldResponses).toBe(0);
  });
});
