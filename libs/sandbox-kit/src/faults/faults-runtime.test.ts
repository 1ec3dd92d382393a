import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { adminRoutes } from "../admin/admin-routes.js";
import { bodyStringField } from "../http/read-body.js";
import { REPLAY_HEADER } from "../http/idempotency.js";
import type { SandboxEnv } from "../http/sandbox-env.js";
import { createSandboxRuntime, type SandboxRuntime } from "../runtime/sandbox-runtime.js";
import { startCallbackReceiver, type CallbackReceiver } from "../testing/callback-receiver.js";
import { NO_FAULTS, type FaultProfileInput } from "./fault-profile.js";
import { DroppedConnection } from "./request-faults.js";

// A miniature provider on the kit (as in sandbox-runtime.test.ts) run with a
// fault profile: each kind of fault made certain with probability 1.

const ENDPOINTS = { create: { method: "POST", path: "/api/v1/payin" } } as const;
type EndpointId = keyof typeof ENDPOINTS;

let receiver: CallbackReceiver;
let runtime: SandboxRuntime<EndpointId>;
let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** One create queues `labels.length` callbacks on the stream named by the body's `stream` (default: the ticket). */
async function miniProvider(faults?: FaultProfileInput, labels: readonly string[] = ["PENDING", "APPROVED"]) {
  receiver = await startCallbackReceiver();
  runtime = createSandboxRuntime({
    name: "mini-sandbox",
    endpoints: ENDPOINTS,
    stepDelayMs: 0,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    idempotency: {
      ttlMs: 60_000,
      conflict: (c) => c.json({ message: "conflict" }, 409),
      invalidKey: (c, reason) => c.json({ message: reason }, 400),
    },
    faults,
  });
  cleanup = async () => {
    await runtime.close();
    await receiver.close();
  };
  const records = new Map<string, string>();
  let next = 0;
  const app = new Hono<SandboxEnv>();
  app.onError((_error, c) => c.json({ message: "internal" }, 500));
  app.route(
    "/__sandbox",
    adminRoutes({
      collection: "tickets",
      item: "ticket",
      get: (id) => records.get(id),
      list: () => [...records.values()],
      calls: () => ({ ...runtime.callsReport(), faults: runtime.faults.counters() }),
      faults: runtime.faults,
      truth: (reference) => ({
        payments: Object.fromEntries(
          [...records]
            .filter(([, ref]) => reference === undefined || ref === reference)
            .map(([, ref]) => [ref, { status: "CREATED", final: false, orders: 1, payEffects: 1, refunds: [] }]),
        ),
      }),
    }),
  );
  app.post(ENDPOINTS.create.path, runtime.endpoint("create", { streamOf: (c) => bodyStringField(c, "reference") }), (c) => {
    const reference = bodyStringField(c, "reference") ?? "none";
    const ticket = `T${++next}`;
    records.set(ticket, reference);
    runtime.stats.count("create", "effects", reference);
    const stream = bodyStringField(c, "stream") ?? ticket;
    for (const label of labels) {
      runtime.later(stream, () => runtime.notify(stream, { url: `${receiver.url}/ipn`, label, body: { ticket, label } }));
    }
    return c.json({ ticket }, 200);
  });
  const post = (body: Record<string, string>, init: { key?: string; signal?: AbortSignal } = {}) =>
    Promise.resolve(
      app.request(ENDPOINTS.create.path, {
        method: "POST",
        body: JSON.stringify(body),
        headers: init.key === undefined ? {} : { "idempotency-key": init.key },
        signal: init.signal,
      }),
    );
  const labelsReceived = () => receiver.received.map((r) => (JSON.parse(r.body) as { label: string }).label);
  const admin = async (path: string, init?: RequestInit) => {
    const response = await app.request(`/__sandbox${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { app, post, records, labelsReceived, admin };
}

describe("request faults", () => {
  it("error5xx answers 503 before the route runs: no effect, no callback", async () => {
    const { post, records } = await miniProvider({ error5xx: 1 });
    const response = await post({ reference: "r1" }, { key: "k1" });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ statusCode: 503, message: "Service Unavailable" });
    await runtime.idle();
    expect(records.size).toBe(0);
    expect(receiver.received).toHaveLength(0);
    expect(runtime.streamCalls("r1", ["create"])).toEqual({ create: { requests: 1, effects: 0, replays: 0, idempotencyConflicts: 0 } });
    expect(runtime.faults.counters().error5xx).toBe(1);
  });

  it("timeout handles the request, then drops the answer; a retry with the same key replays it without a second effect", async () => {
    const { post, records } = await miniProvider({ timeout: 1, timeoutHoldMs: 0 });
    const lost = post({ reference: "r1" }, { key: "k1" });
    await expect(lost).rejects.toBeInstanceOf(DroppedConnection);
    await expect(lost).rejects.toMatchObject({ code: "SANDBOX_CONNECTION_DROPPED" });
    expect([...records.values()]).toEqual(["r1"]);
    await runtime.idle();
    expect(receiver.received).toHaveLength(2);

    runtime.faults.configure(NO_FAULTS);
    const retry = await post({ reference: "r1" }, { key: "k1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get(REPLAY_HEADER)).toBe("true");
    expect(await retry.json()).toEqual({ ticket: "T1" });
    await runtime.idle();
    expect(records.size).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(runtime.streamCalls("r1", ["create"])).toEqual({ create: { requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 } });
    expect(runtime.faults.counters().timeout).toBe(1);
  });

  it("holds a timed-out answer until the client gives up", async () => {
    const { post, records } = await miniProvider({ timeout: 1 });
    const client = new AbortController();
    const lost = post({ reference: "r1" }, { key: "k1", signal: client.signal });
    await runtime.faults.injected("timeout", 1);
    expect(runtime.faults.heldResponses).toBe(1);
    expect(records.size).toBe(1);
    client.abort();
    await expect(lost).rejects.toBeInstanceOf(DroppedConnection);
    await runtime.faults.noneHeld();
  });

  it("drops held answers when the sandbox closes, so close() is not held up", async () => {
    const { post } = await miniProvider({ timeout: 1, timeoutHoldMs: 600_000 });
    const lost = post({ reference: "r1" });
    await runtime.faults.injected("timeout", 1);
    await runtime.close();
    await expect(lost).rejects.toBeInstanceOf(DroppedConnection);
    expect(runtime.faults.heldResponses).toBe(0);
  });

  it("is deterministic: the same seed gives the same answers to the same requests", async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const { post } = await miniProvider({ error5xx: 0.5, seed });
      const seen: number[] = [];
      for (let i = 0; i < 24; i++) seen.push((await post({ reference: `r${i}` })).status);
      await cleanup?.();
      cleanup = undefined;
      return seen;
    };
    const first = await statuses(42);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await statuses(42)).toEqual(first);
    expect(await statuses(43)).not.toEqual(first);
  });
});

describe("callback faults", () => {
  it("duplicateCallback delivers each callback twice, the copy right after the original", async () => {
    const { post, labelsReceived } = await miniProvider({ duplicateCallback: 1 });
    await post({ reference: "r1" });
    await runtime.idle();
    expect(labelsReceived()).toEqual(["PENDING", "PENDING", "APPROVED", "APPROVED"]);
    expect(runtime.callbacks("T1").map((r) => [r.label, r.state, r.faults ?? []])).toEqual([
      ["PENDING", "delivered", []],
      ["PENDING", "delivered", ["duplicateCallback"]],
      ["APPROVED", "delivered", []],
      ["APPROVED", "delivered", ["duplicateCallback"]],
    ]);
    expect(runtime.faults.counters().duplicateCallback).toBe(2);
  });

  it("reorderCallback holds a callback back until the next one of its stream has gone", async () => {
    const { post, labelsReceived } = await miniProvider({ reorderCallback: 1 }, ["1", "2", "3", "4"]);
    await post({ reference: "r1" });
    await runtime.idle();
    expect(labelsReceived()).toEqual(["2", "1", "4", "3"]);
    expect(runtime.callbacks("T1").map((r) => [r.label, r.faults ?? []])).toEqual([
      ["2", []],
      ["1", ["reorderCallback"]],
      ["4", []],
      ["3", ["reorderCallback"]],
    ]);
    expect(runtime.faults.counters().reorderCallback).toBe(2);
  });

  it("reorderCallback sends a held callback after maxDelayMs when none follows", async () => {
    const { post, labelsReceived } = await miniProvider({ reorderCallback: 1, maxDelayMs: 5 }, ["only"]);
    await post({ reference: "r1" });
    await receiver.waitFor(1);
    expect(labelsReceived()).toEqual(["only"]);
    await runtime.idle();
    expect(runtime.callbacks("T1").map((r) => [r.state, r.faults])).toEqual([["delivered", ["reorderCallback"]]]);
  });

  it("dropCallback never sends a callback, and records it as dropped", async () => {
    const { post } = await miniProvider({ dropCallback: 1 });
    await post({ reference: "r1" });
    await runtime.idle();
    expect(receiver.received).toHaveLength(0);
    expect(runtime.callbacks("T1").map((r) => [r.label, r.state, r.attempts, r.faults])).toEqual([
      ["PENDING", "dropped", 0, ["dropCallback"]],
      ["APPROVED", "dropped", 0, ["dropCallback"]],
    ]);
    expect(runtime.callsReport().callbacks).toEqual({ enqueued: 0, delivered: 0, failed: 0, attempts: 0 });
    expect(runtime.faults.counters().dropCallback).toBe(2);
  });

  it("delayCallback delays each callback (in order) by up to maxDelayMs", async () => {
    const { post, labelsReceived } = await miniProvider({ delayCallback: 1, maxDelayMs: 10 });
    await post({ reference: "r1" });
    await receiver.waitFor(2);
    expect(labelsReceived()).toEqual(["PENDING", "APPROVED"]);
    await runtime.idle();
    expect(runtime.callbacks("T1").map((r) => r.faults)).toEqual([["delayCallback"], ["delayCallback"]]);
    expect(runtime.faults.counters().delayCallback).toBe(2);
  });

  it("combines faults: a reordered callback can also be duplicated", async () => {
    const { post, labelsReceived } = await miniProvider({ reorderCallback: 1, duplicateCallback: 1 });
    await post({ reference: "r1" });
    await runtime.idle();
    expect(labelsReceived()).toEqual(["APPROVED", "APPROVED", "PENDING", "PENDING"]);
  });
});

describe("admin routes /faults and /truth", () => {
  it("shows the profile and the counters, and replaces the profile with PUT", async () => {
    const { admin, post } = await miniProvider();
    expect(await admin("/faults")).toEqual({
      status: 200,
      body: { profile: NO_FAULTS, injected: { error5xx: 0, timeout: 0, duplicateCallback: 0, reorderCallback: 0, delayCallback: 0, dropCallback: 0 }, heldResponses: 0 },
    });
    const put = await admin("/faults", { method: "PUT", body: JSON.stringify({ error5xx: "1", maxDelayMs: 100, seed: 9 }) });
    expect(put.status).toBe(200);
    expect(put.body.profile).toEqual({ ...NO_FAULTS, error5xx: 1, maxDelayMs: 100, seed: 9 });
    expect((await post({ reference: "r1" })).status).toBe(503);
    expect((await admin("/faults")).body.injected).toMatchObject({ error5xx: 1 });
    expect((await admin("/calls")).body.faults).toMatchObject({ error5xx: 1 });
    // Replacing, not merging: what is not given is back to its default.
    expect((await admin("/faults", { method: "PUT", body: "{}" })).body.profile).toEqual(NO_FAULTS);
    expect((await post({ reference: "r1" })).status).toBe(200);
  });

  it("answers 400 naming the field for a bad profile, and keeps the one in force", async () => {
    const { admin } = await miniProvider({ timeout: 0.5 });
    expect(await admin("/faults", { method: "PUT", body: JSON.stringify({ error5xx: 2, drop: 1 }) })).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        message:
          'drop is not a fault profile field (known: error5xx, timeout, duplicateCallback, reorderCallback, delayCallback, dropCallback, maxDelayMs, timeoutHoldMs, latencyMs, seed); error5xx must be a probability from 0 to 1 (a number or a decimal string such as "0.05")',
      },
    });
    expect(await admin("/faults", { method: "PUT", body: "not json" })).toEqual({
      status: 400,
      body: { statusCode: 400, message: "body must be a JSON object (the fault profile)" },
    });
    expect(await admin("/faults", { method: "PUT", body: "[]" })).toEqual({
      status: 400,
      body: { statusCode: 400, message: "fault profile must be a JSON object" },
    });
    expect((await admin("/faults")).body.profile).toMatchObject({ timeout: 0.5 });
  });

  it("reseeds with PUT: the same profile put again repeats the same decisions", async () => {
    const { admin, post } = await miniProvider();
    const run = async (): Promise<number[]> => {
      await admin("/faults", { method: "PUT", body: JSON.stringify({ error5xx: 0.5, seed: 1234 }) });
      const seen: number[] = [];
      for (let i = 0; i < 16; i++) seen.push((await post({ reference: `r${i}` })).status);
      return seen;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await run()).toEqual(first);
  });

  it("serves the truth, for all references or one", async () => {
    const { admin, post } = await miniProvider();
    await post({ reference: "a" });
    await post({ reference: "b" });
    const truth = { status: "CREATED", final: false, orders: 1, payEffects: 1, refunds: [] };
    expect(await admin("/truth")).toEqual({ status: 200, body: { payments: { a: truth, b: truth } } });
    expect(await admin("/truth?reference=b")).toEqual({ status: 200, body: { payments: { b: truth } } });
    expect(await admin("/truth?reference=zz")).toEqual({ status: 200, body: { payments: {} } });
  });
});
