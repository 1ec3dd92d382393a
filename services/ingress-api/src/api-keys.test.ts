import { describe, expect, it } from "vitest";
import type { Bus } from "@riel/bus";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { PAYMENT_REQUEST_EXAMPLES } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

const pix = PAYMENT_REQUEST_EXAMPLES.PIX_KEY.pixCpf?.value;
const qr = PAYMENT_REQUEST_EXAMPLES.EMV_QR && Object.values(PAYMENT_REQUEST_EXAMPLES.EMV_QR)[0]?.value;

/** The ingress over an in-memory bus and store, with an admin key (every scope) and what it published. */
async function ingress(rateRule?: { capacity: number; refillPerSecond: number }) {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const inner = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await inner.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const published: Array<{ key: string; type: string }> = [];
  const bus: Bus<RielTopics> = {
    ...inner,
    async publish(topic, key, record, headers) {
      await inner.publish(topic, key, record, headers);
      published.push({ key, type: record.type });
    },
  };
  let now = 0;
  const store = createMemoryStore(() => now);
  const admin = testApiKey();
  const app = createIngressApp({ bus, store, log: () => {}, apiKeys: admin.keysFor(store), rateRule });
  const call = async (method: string, path: string, authorization: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method,
      headers: { "content-type": "application/json", ...(authorization === null ? {} : { authorization }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  /** A key made through the admin route, as its Authorization header. */
  const makeKey = async (spec: Record<string, unknown>): Promise<{ id: string; authorization: string }> => {
    const made = await call("POST", "/v1/api-keys", admin.authorization, spec);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return { id: made.body.id as string, authorization: `Bearer ${made.body.token as string}` };
  };
  const later = (ms: number): void => {
    now += ms;
  };
  return { app, store, published, call, makeKey, later, admin: admin.authorization };
}

describe("the ingress lets in only API keys, each to its scopes", () => {
  it("answers 401 problem+json to no key, a malformed one, an unknown one, and publishes nothing", async () => {
    const { call, published } = await ingress();
    const unknown = "Bearer riel_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for (const authorization of [null, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-riel-key", unknown, `${unknown} extra`]) {
      const res = await call("POST", "/v1/payments", authorization, pix, { "idempotency-key": "k-1" });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="riel"/);
      expect(res.body).toMatchObject({ status: 401, title: "Unauthorized" });
    }
    for (const [method, path] of [["GET", "/v1/payments/x"], ["POST", "/v1/payments/x/confirm"], ["GET", "/v1/api-keys"], ["GET", "/v1/nowhere"]] as const) {
      expect((await call(method, path, null)).status, path).toBe(401);
    }
    expect(published).toEqual([]);
    // What needs no key: the API's description.
    expect((await call("GET", "/openapi.json", null)).status).toBe(200);
  });

  it("answers 403 to a key without the route's scope or the payment's method, publishing nothing", async () => {
    const { call, makeKey, published, admin } = await ingress();
    const reader = await makeKey({ name: "dashboard", scopes: ["payments:read"] });
    const refused = await call("POST", "/v1/payments", reader.authorization, pix, { "idempotency-key": "k-1" });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ status: 403, detail: "this API key lacks the scope payments:create" });
    expect((await call("GET", "/v1/api-keys", reader.authorization)).status).toBe(403);

    const pixOnly = await makeKey({ name: "pix-shop", scopes: ["payments:create", "payments:confirm", "payments:read"], methods: ["PIX_KEY"] });
    const other = await call("POST", "/v1/payments", pixOnly.authorization, qr, { "idempotency-key": "k-2" });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ detail: "this API key may not use the method EMV_QR" });
    expect(published).toEqual([]);

    // The same request with the right key goes through, and the narrow keys read what they may.
    const made = await call("POST", "/v1/payments", pixOnly.authorization, pix, { "idempotency-key": "k-3" });
    expect(made.status).toBe(202);
    expect((await call("GET", `/v1/payments/${made.body.paymentId as string}`, reader.authorization)).status).toBe(200);
    // A payment of a method the key may not use cannot be confirmed with it either.
    const byAdmin = await call("POST", "/v1/payments", admin, qr, { "idempotency-key": "k-4" });
    expect(byAdmin.status).toBe(202);
    const confirm = await call("POST", `/v1/payments/${byAdmin.body.paymentId as string}/confirm`, pixOnly.authorization, { decision: "REJECT" }, { "idempotency-key": "c-1" });
    expect(confirm.status).toBe(403);
    expect(published.map((p) => p.type)).toEqual(["riel.commands.InitiatePayment", "riel.commands.InitiatePayment"]);
  });

  it("treats an Idempotency-Key reused by a second API key as a new request, and replays it for the first", async () => {
    const { call, makeKey, published } = await ingress();
    const a = await makeKey({ name: "a", scopes: ["payments:create"] });
    const b = await makeKey({ name: "b", scopes: ["payments:create"] });
    const first = await call("POST", "/v1/payments", a.authorization, pix, { "idempotency-key": "order-1" });
    const replay = await call("POST", "/v1/payments", a.authorization, pix, { "idempotency-key": "order-1" });
    const second = await call("POST", "/v1/payments", b.authorization, pix, { "idempotency-key": "order-1" });
    expect([first.status, replay.status, second.status]).toEqual([202, 202, 202]);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.paymentId).toBe(first.body.paymentId);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(second.body.paymentId).not.toBe(first.body.paymentId);
    expect(published.map((p) => p.key)).toEqual([first.body.paymentId, second.body.paymentId]);
    // Neither sees the other's key as a mismatch either: another body under "order-1" is b's own conflict.
    const otherBody = await call("POST", "/v1/payments", b.authorization, { ...pix, externalReference: "another" }, { "idempotency-key": "order-1" });
    expect(otherBody.status).toBe(409);
  });

  it("makes a key shown once and stored as a hash, lists keys without secrets, and refuses a revoked key", async () => {
    const { call, store, admin } = await ingress();
    const made = await call("POST", "/v1/api-keys", admin, { name: "shop", scopes: ["payments:read"] });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect(token).toMatch(/^riel_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const secret = token.split("_").slice(2).join("_");
    const stored = await store.apiKeys.get(made.body.id as string);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain(secret);

    const listed = await call("GET", "/v1/api-keys", admin);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(listed.body)).not.toContain("secretHash");
    expect(listed.body.apiKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: made.body.id, name: "shop", scopes: ["payments:read"], methods: null, revokedAt: null, configured: false }),
        expect.objectContaining({ configured: true, scopes: expect.arrayContaining(["admin"]) }),
      ]),
    );

    const shop = `Bearer ${token}`;
    expect((await call("GET", "/v1/payments/none", shop)).status).toBe(404);
    const revoked = await call("DELETE", `/v1/api-keys/${made.body.id as string}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await call("GET", "/v1/payments/none", shop);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ detail: "this API key was revoked" });
    // Revoking again answers the same; an unknown id is 404; the configured key is configuration's to remove.
    expect((await call("DELETE", `/v1/api-keys/${made.body.id as string}`, admin)).body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await call("DELETE", "/v1/api-keys/nosuchkey000", admin)).status).toBe(404);
    const configured = (listed.body.apiKeys as Array<{ id: string; configured: boolean }>).find((k) => k.configured);
    expect((await call("DELETE", `/v1/api-keys/${configured?.id ?? ""}`, admin)).status).toBe(409);
  });

  it("answers 429 with Retry-After past a key's rate on a route, counting each key and route apart", async () => {
    const { call, makeKey, admin, later, published } = await ingress({ capacity: 3, refillPerSecond: 1 });
    const shop = await makeKey({ name: "shop", scopes: ["payments:create", "payments:read"] });
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await call("GET", "/v1/payments/nothing", shop.authorization));
    expect(reads.map((r) => r.status)).toEqual([404, 404, 404, 429, 429]);
    const limited = reads[3];
    expect(limited?.headers.get("retry-after")).toBe("1");
    expect(limited?.headers.get("ratelimit-limit")).toBe("3");
    expect(limited?.headers.get("content-type")).toBe("application/problem+json");
    expect(limited?.body).toMatchObject({ status: 429, title: "Too many requests" });
    // Another payment's id is the same route; another route, or another key, has its own bucket.
    expect((await call("GET", "/v1/payments/other", shop.authorization)).status).toBe(429);
    expect((await call("POST", "/v1/payments", shop.authorization, pix, { "idempotency-key": "r-1" })).status).toBe(202);
    expect((await call("GET", "/v1/payments/nothing", admin)).status).toBe(404);
    // A refused request publishes nothing; the bucket refills with time.
    const before = published.length;
    const burst = [];
    for (let i = 0; i < 4; i++) burst.push(await call("POST", "/v1/payments", shop.authorization, pix, { "idempotency-key": `r-${i + 2}` }));
    expect(burst.map((r) => r.status)).toEqual([202, 202, 429, 429]);
    expect(published.length - before).toBe(2);
    later(1_000);
    expect((await call("GET", "/v1/payments/nothing", shop.authorization)).status).toBe(404);
  });

  it("refuses a bad key request naming each field, making no key", async () => {
    const { call, admin, store } = await ingress();
    const res = await call("POST", "/v1/api-keys", admin, { name: "", scopes: ["payments:everything"], methods: ["CASH"], extra: 1 });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(["name", "scopes.0", "methods.0"]));
    expect(await store.apiKeys.list()).toEqual([]);
  });
});
