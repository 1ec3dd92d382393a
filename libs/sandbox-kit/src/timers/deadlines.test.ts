import { afterEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "./deadlines.js";

afterEach(() => {
  vi.useRealTimers();
});

function deadlines() {
  vi.useFakeTimers();
  const lifetime = new AbortController();
  const errors: unknown[] = [];
  const d = new Deadlines({ signal: lifetime.signal, onError: (error) => errors.push(error) });
  return { d, lifetime, errors };
}

describe("Deadlines", () => {
  it("runs a task once its delay has passed, not before", () => {
    const { d } = deadlines();
    const fired: string[] = [];
    d.set("order-1", 1_000, () => fired.push("order-1"));
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["order-1"]);
    expect(d.has("order-1")).toBe(false);
  });

  it("replaces a key's deadline when set again, and cancels on request", () => {
    const { d } = deadlines();
    const fired: string[] = [];
    d.set("a", 100, () => fired.push("a-first"));
    d.set("a", 300, () => fired.push("a-second"));
    d.set("b", 100, () => fired.push("b"));
    expect(d.cancel("b")).toBe(true);
    expect(d.cancel("b")).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(["a-second"]);
  });

  it("stops every deadline when the signal aborts, and sets none afterwards", () => {
    const { d, lifetime } = deadlines();
    const fired: string[] = [];
    d.set("a", 10, () => fired.push("a"));
    lifetime.abort();
    d.set("b", 10, () => fired.push("b"));
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    expect(d.size).toBe(0);
  });

  it("reports a task's error instead of throwing it into the timer", () => {
    const { d, errors } = deadlines();
    d.set("a", 0, () => {
      throw new Error("boom");
    });
    vi.advanceTimersByTime(0);
    expect(errors).toEqual([new Error("boom")]);
  });

  it("refuses a delay setTimeout cannot hold", () => {
    const { d } = deadlines();
    expect(() => d.set("a", 2 ** 31, () => {})).toThrow(RangeError);
    expect(() => d.set("a", -1, () => {})).toThrow(RangeError);
  });
});
