import { describe, expect, it } from "vitest";
import { KeyedSerialQueue } from "./keyed-serial-queue.js";

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("KeyedSerialQueue", () => {
  it("runs one key's tasks one after another and lets other keys pass", async () => {
    const lifetime = new AbortController();
    const queue = new KeyedSerialQueue({ signal: lifetime.signal, onError: () => {} });
    const log: string[] = [];
    const first = gate();
    queue.push("a", 0, async () => {
      await first.opened;
      log.push("a1");
    });
    queue.push("a", 0, () => {
      log.push("a2");
    });
    const otherDone = gate();
    queue.push("b", 0, () => {
      log.push("b1");
      otherDone.open();
    });
    await otherDone.opened;
    expect(log).toEqual(["b1"]);
    first.open();
    await queue.idle();
    expect(log).toEqual(["b1", "a1", "a2"]);
    expect(queue.size).toBe(0);
  });

  it("reports a failing task and goes on with the next one of its key", async () => {
    const lifetime = new AbortController();
    const errors: unknown[] = [];
    const queue = new KeyedSerialQueue({ signal: lifetime.signal, onError: (error) => errors.push(error) });
    const log: string[] = [];
    queue.push("a", 0, () => {
      throw new Error("boom");
    });
    queue.push("a", 0, () => {
      log.push("after");
    });
    await queue.idle();
    expect(errors).toEqual([new Error("boom")]);
    expect(log).toEqual(["after"]);
  });

  it("skips queued tasks once the signal aborts", async () => {
    const lifetime = new AbortController();
    const queue = new KeyedSerialQueue({ signal: lifetime.signal, onError: () => {} });
    const log: string[] = [];
    queue.push("a", 60_000, () => {
      log.push("late");
    });
    lifetime.abort();
    await queue.idle();
    expect(log).toEqual([]);
  });
});
