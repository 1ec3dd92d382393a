import { Hono, type Context } from "hono";
import { describe, expect, it } from "vitest";
import { idempotency, IdempotencyStore, REPLAY_HEADER } from "./idempotency.js";
import { readBody } from "./read-body.js";
import type { SandboxEnv } from "./sandbox-env.js";

/** An app whose handler counts its runs and can be held open until released. */
function harness(options: { ttlMs?: number; now?: () => Date } = {}) {
  const store = new IdempotencyStore({ ttlMs: options.ttlMs ?? 60_000, now: options.now ?? (() => new Date()) });
  let runs = 0;
  let gate: Promise<void> = Promise.resolve();
  let started: () => void = () => {};
  const app = new Hono<SandboxEnv>();
  for (const path of ["/a", "/b"]) {
    const answers = {
      conflict: (c: Context<SandboxEnv>) => c.json({ statusCode: 409, message: "Conflict error" }, 409),
      invalidKey: (c: Context<SandboxEnv>, reason: string) => c.json({ statusCode: 400, message: [reason] }, 400),
    };
    app.post(path, readBody(), idempotency({ store, scope: `POST ${path}`, ...answers }), async (c) => {
      runs++;
      started();
      await gate;
      const body = c.get("body").raw;
      if (body.includes("invalid")) return c.json({ statusCode: 400, message: ["invalid"] }, 400);
      if (body.includes("crash")) throw new Error("boom");
      return c.json({ run: runs, path }, 200);
    });
  }
  app.onError((_error, c) => c.json({ statusCode: 500 }, 500));
  const send = (path: string, body: string, key?: string) =>
    Promise.resolve(app.request(path, { method: "POST", body, headers: key === undefined ? {} : { "idempotency-key": key } }));
  return {
    send,
    runs: () => runs,
    /** Holds handlers until the returned release() is called; resolves `running` when one has started. */
    hold() {
      let release: () => void = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      return { release, running };
    },
  };
}

describe("idempotency", () => {
  it("replays the stored response for the same key and body, without running the handler again", async () => {
    const h = harness();
    const first = await h.send("/a", '{"x":1,"y":"z"}', "k1");
    // Same JSON value: other key order, whitespace and number spelling.
    const second = await h.send("/a", '{ "y": "z", "x": 1.0 }', "k1");
    expect(h.runs()).toBe(1);
    expect(second.status).toBe(first.status);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get(REPLAY_HEADER)).toBe("true");
    expect(first.headers.get(REPLAY_HEADER)).toBeNull();
  });

  it("answers 409 Conflict error for the same key with another body", async () => {
    const h = harness();
    await h.send("/a", '{"x":1}', "k1");
    const other = await h.send("/a", '{"x":2}', "k1");
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    expect(h.runs()).toBe(1);
  });

  it("scopes keys per endpoint", async () => {
    const h = harness();
    await h.send("/a", "{}", "k1");
    const onB = await h.send("/b", "{}", "k1");
    expect(onB.status).toBe(200);
    expect(h.runs()).toBe(2);
  });

  it("runs every request that has no key", async () => {
    const h = harness();
    await h.send("/a", "{}");
    await h.send("/a", "{}");
    expect(h.runs()).toBe(2);
  });

  it("lets a concurrent duplicate wait for the first and answers both with one run", async () => {
    const h = harness();
    const { release, running } = h.hold();
    const first = h.send("/a", '{"x":1}', "k1");
    await running;
    const duplicates = [h.send("/a", '{"x":1}', "k1"), h.send("/a", '{"x":1}', "k1")];
    const conflicting = await h.send("/a", '{"x":2}', "k1");
    expect(conflicting.status).toBe(409);
    release();
    const responses = await Promise.all([first, ...duplicates]);
    expect(h.runs()).toBe(1);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies).toEqual([{ run: 1, path: "/a" }, { run: 1, path: "/a" }, { run: 1, path: "/a" }]);
  });

  it("does not keep a 400 or a crash: the key can be used again", async () => {
    const h = harness();
    expect((await h.send("/a", '{"invalid":true}', "k1")).status).toBe(400);
    expect((await h.send("/a", '{"fixed":true}', "k1")).status).toBe(200);
    expect((await h.send("/a", '{"crash":true}', "k2")).status).toBe(500);
    expect((await h.send("/a", '{"crash":true}', "k2")).status).toBe(500);
    expect(h.runs()).toBe(4);
  });

  it("forgets a finished key after its time to live", async () => {
    let now = new Date("2025-01-01T00:00:00Z");
    const h = harness({ ttlMs: 1_000, now: () => now });
    await h.send("/a", '{"x":1}', "k1");
    now = new Date("2025-01-01T00:00:02Z");
    const again = await h.send("/a", '{"x":2}', "k1");
    expect(again.status).toBe(200);
    expect(h.runs()).toBe(2);
  });

  it("refuses an overlong key with the provider's answer", async () => {
    const h = harness();
    const response = await h.send("/a", "{}", "k".repeat(256));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["idempotency-key must be shorter than or equal to 255 characters"] });
    expect(h.runs()).toBe(0);
  });

  it("checks its options up front", () => {
    const store = new IdempotencyStore({ ttlMs: 1, now: () => new Date() });
    const answers = { conflict: () => new Response(null, { status: 409 }), invalidKey: () => new Response(null, { status: 400 }) };
    expect(() => idempotency({ store, scope: "", ...answers })).toThrow(/scope/);
    expect(() => idempotency({ store, scope: "s", maxKeyLength: 0, ...answers })).toThrow(/maxKeyLength/);
  });
});
