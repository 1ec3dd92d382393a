import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { adminError, adminRoutes } from "../admin/admin-routes.js";
import { hmacSigner } from "../callbacks/hmac-signature.js";
import { bodyStringField } from "../http/read-body.js";
import type { SandboxEnv } from "../http/sandbox-env.js";
import { JsonNumber } from "../json/lossless-json.js";
import { startCallbackReceiver, type CallbackReceiver } from "../testing/callback-receiver.js";
import { createSandboxRuntime, type SandboxRuntime } from "./sandbox-runtime.js";

// A miniature provider built on the kit, the way a real sandbox is: a create
// endpoint with idempotency whose record is announced by two callbacks, a
// lookup without a body, and the admin routes.

const ENDPOINTS = {
  create: { method: "POST", path: "/api/v1/payin" },
  lookup: { method: "GET", path: "/api/v1/transaction/:ticket" },
} as const;
type EndpointId = keyof typeof ENDPOINTS;

let receiver: CallbackReceiver;
let runtime: SandboxRuntime<EndpointId>;
let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function miniProvider() {
  receiver = await startCallbackReceiver();
  cleanup = async () => {
    await runtime.close();
    await receiver.close();
  };
  runtime = createSandboxRuntime({
    name: "mini-sandbox",
    endpoints: ENDPOINTS,
    stepDelayMs: 0,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    signCallback: hmacSigner({ header: "x-mini-signature", secret: "mini-secret" }),
    idempotency: {
      ttlMs: 60_000,
      conflict: (c) => c.json({ code: "00", status: "ERROR", message: "TRANSACTION_IN_PROGRESS" }, 400),
      invalidKey: (c, reason) => c.json({ code: "00", status: "ERROR", message: reason }, 400),
    },
  });
  const records = new Map<string, { ticket: string; reference: string; status: string }>();
  let next = 0;
  const app = new Hono<SandboxEnv>();
  app.route(
    "/__sandbox",
    adminRoutes({
      collection: "transactions",
      item: "transaction",
      get: (id) => records.get(id),
      list: () => [...records.values()],
      calls: () => runtime.callsReport(),
    }),
  );
  app.post(ENDPOINTS.create.path, runtime.endpoint("create", { streamOf: (c) => bodyStringField(c, "reference") }), (c) => {
    const reference = bodyStringField(c, "reference");
    if (reference === undefined) return c.json({ code: "00", status: "ERROR", message: "reference is required" }, 400);
    const ticket = `T${++next}`;
    records.set(ticket, { ticket, reference, status: "PENDING" });
    runtime.stats.count("create", "effects", reference);
    for (const status of ["PENDING", "APPROVED"]) {
      runtime.later(ticket, () => {
        runtime.notify(ticket, { url: `${receiver.url}/ipn`, label: status, body: { top_ticket: ticket, top_status: status, top_amount: new JsonNumber("1.50") } });
      });
    }
    return c.json({ code: "01", status: "SUCCESS", data: { ticket } }, 200);
  });
  app.get(ENDPOINTS.lookup.path, runtime.endpoint("lookup"), (c) => {
    const record = records.get(c.req.param("ticket"));
    return record === undefined ? adminError(c, 404, "no such ticket") : c.json(record);
  });
  const post = (body: unknown, key?: string) =>
    Promise.resolve(
      app.request(ENDPOINTS.create.path, { method: "POST", body: JSON.stringify(body), headers: key === undefined ? {} : { "idempotency-key": key } }),
    );
  return { app, post };
}

describe("createSandboxRuntime", () => {
  it("delivers a stream's callbacks in order, exactly written and signed, and idle() waits for them", async () => {
    const { post } = await miniProvider();
    const response = await post({ reference: "ref-1" });
    expect(await response.json()).toEqual({ code: "01", status: "SUCCESS", data: { ticket: "T1" } });
    await runtime.idle();
    expect(receiver.received.map((r) => r.body)).toEqual([
      '{"top_ticket":"T1","top_status":"PENDING","top_amount":1.50}',
      '{"top_ticket":"T1","top_status":"APPROVED","top_amount":1.50}',
    ]);
    expect(receiver.received[0]?.headers["x-mini-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(runtime.callbacks("T1").map((r) => [r.label, r.state])).toEqual([
      ["PENDING", "delivered"],
      ["APPROVED", "delivered"],
    ]);
  });

  it("makes idempotent endpoints answer with the provider's own conflict body, and counts per stream", async () => {
    const { post } = await miniProvider();
    await post({ reference: "ref-1" }, "k");
    const replay = await post({ reference: "ref-1" }, "k");
    expect(await replay.json()).toEqual({ code: "01", status: "SUCCESS", data: { ticket: "T1" } });
    const conflict = await post({ reference: "ref-2" }, "k");
    expect(conflict.status).toBe(400);
    expect(await conflict.json()).toEqual({ code: "00", status: "ERROR", message: "TRANSACTION_IN_PROGRESS" });
    await runtime.idle();
    expect(runtime.streamCalls("ref-1", ["create"])).toEqual({ create: { requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 } });
    expect(runtime.callsReport()).toEqual({
      endpoints: {
        create: { method: "POST", path: "/api/v1/payin", requests: 3, effects: 1, replays: 1, idempotencyConflicts: 1 },
        lookup: { method: "GET", path: "/api/v1/transaction/:ticket", requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
      },
      callbacks: { enqueued: 2, delivered: 2, failed: 0, attempts: 2 },
      internalErrors: [],
    });
  });

  it("serves the admin routes: list, one record, 404 and the call totals", async () => {
    const { app, post } = await miniProvider();
    await post({ reference: "ref-1" });
    expect(await (await app.request("/__sandbox/transactions")).json()).toEqual({
      transactions: [{ ticket: "T1", reference: "ref-1", status: "PENDING" }],
    });
    expect(await (await app.request("/__sandbox/transactions/T1")).json()).toMatchObject({ ticket: "T1" });
    const missing = await app.request("/__sandbox/transactions/T9");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ statusCode: 404, message: "transaction not found" });
    expect(await (await app.request("/__sandbox/calls")).json()).toMatchObject({ callbacks: { enqueued: 2 } });
  });

  it("records a failing step as an internal error and goes on with the stream", async () => {
    await miniProvider();
    const ran: string[] = [];
    runtime.later("s", () => {
      throw new Error("step broke");
    });
    runtime.later("s", () => {
      ran.push("next");
    });
    await runtime.idle();
    expect(ran).toEqual(["next"]);
    expect(runtime.callsReport().internalErrors).toEqual(["step broke"]);
  });

  it("checks its options up front", () => {
    const base = { name: "x", endpoints: ENDPOINTS, stepDelayMs: 0 };
    expect(() => createSandboxRuntime({ ...base, name: "" })).toThrow(/name/);
    expect(() => createSandboxRuntime({ ...base, stepDelayMs: -1 })).toThrow(/stepDelayMs/);
    expect(() => createSandboxRuntime({ ...base, retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    const bare = createSandboxRuntime(base);
    cleanup = () => bare.close();
    expect(() => bare.endpoint("create", { idempotent: true })).toThrow(/no idempotency options/);
  });
});
