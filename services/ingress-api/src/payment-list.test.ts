import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { PAYMENT_REQUEST_EXAMPLES } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

/** Every example request of every method, as a list of bodies. */
const EXAMPLES = Object.values(PAYMENT_REQUEST_EXAMPLES).flatMap((byName) => Object.values(byName).map((e) => e.value as Record<string, unknown>));

async function ingress() {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  let clock = Date.parse("2026-11-22T10:00:00Z");
  const store = createMemoryStore();
  const admin = testApiKey();
  const app = createIngressApp({ bus, store, log: () => {}, apiKeys: admin.keysFor(store), now: () => new Date(clock) });
  const call = async (method: string, path: string, authorization: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, { method, headers: { "content-type": "application/json", authorization, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** One payment per example, a second apart, each under its own external reference `ref-<i>` (the first two share `ref-shared`). */
  const created: Array<{ paymentId: string; method: string; ref: string; at: string }> = [];
  for (const [i, example] of EXAMPLES.entries()) {
    clock += 1_000;
    const ref = i < 2 ? "ref-shared" : `ref-${i}`;
    const res = await call("POST", "/v1/payments", admin.authorization, { ...example, externalReference: ref }, { "idempotency-key": `k-${i}` });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    created.push({ paymentId: res.body.paymentId as string, method: example.method as string, ref, at: new Date(clock).toISOString() });
  }
  return { call, created, admin: admin.authorization };
}

type Page = { payments: Array<{ paymentId: string; method: string; externalReference: string; status: string; collector: unknown }>; next: string | null };

describe("GET /v1/payments finds payments", () => {
  it("lists every payment newest first, and pages through all of them without gaps or repeats", async () => {
    const { call, created, admin } = await ingress();
    const all = (await call("GET", "/v1/payments?limit=200", admin)).body as Page;
    expect(all.payments.map((p) => p.paymentId)).toEqual(created.map((c) => c.paymentId).reverse());
    expect(all.next).toBeNull();

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await call("GET", `/v1/payments?limit=3${cursor ? `&cursor=${cursor}` : ""}`, admin)).body as Page;
      paged.push(...page.payments.map((p) => p.paymentId));
      cursor = page.next;
      pages++;
    } while (cursor !== null);
    expect(paged).toEqual(all.payments.map((p) => p.paymentId));
    expect(pages).toBe(Math.ceil(created.length / 3));
  });

  it("filters by external reference, method, provider, status and time, combined", async () => {
    const { call, created, admin } = await ingress();
    const ids = async (query: string): Promise<string[]> => {
      const res = await call("GET", `/v1/payments?${query}`, admin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as Page).payments.map((p) => p.paymentId);
    };
    const newestFirst = (list: typeof created): string[] => list.map((c) => c.paymentId).reverse();
    expect(await ids("externalReference=ref-shared")).toEqual(newestFirst(created.slice(0, 2)));
    expect(await ids("externalReference=nothing-like-it")).toEqual([]);
    expect(await ids("method=PIX_KEY")).toEqual(newestFirst(created.filter((c) => c.method === "PIX_KEY")));
    expect(created.filter((c) => c.method === "PERU_PAYIN").length).toBeGreaterThan(0);
    expect(await ids("provider=tumipay")).toEqual(newestFirst(created.filter((c) => c.method === "PERU_PAYIN")));
    expect(await ids("status=RECEIVED")).toHaveLength(created.length);
    expect(await ids("status=COMPLETED,REFUNDED")).toEqual([]);
    const middle = created.slice(2, 5);
    expect(await ids(`from=${middle[0]?.at}&to=${middle[2]?.at}`)).toEqual(newestFirst(middle));
    expect(await ids(`method=PIX_KEY&externalReference=ref-shared`)).toEqual(newestFirst(created.slice(0, 2).filter((c) => c.method === "PIX_KEY")));
  });

  it("refuses a bad query naming the parameter and the rule", async () => {
    const { call, admin } = await ingress();
    for (const [query, field, rule] of [
      ["method=CASH", "query method", /PIX_KEY/],
      ["status=PAID", "query status", /PAID is not one/],
      ["limit=0", "query limit", /1 to 200/],
      ["limit=abc", "query limit", /1 to 200/],
      ["from=yesterday", "query from", /ISO 8601/],
      ["cursor=bm90LWEtY3Vyc29y", "query cursor", /earlier page/],
      ["colour=red", "query", /colour/],
    ] as const) {
      const res = await call("GET", `/v1/payments?${query}`, admin);
      expect(res.status, query).toBe(400);
      const errors = res.body.errors as Array<{ field: string; rule: string }>;
      expect(errors.map((e) => e.field), query).toContain(field);
      expect(errors.map((e) => e.rule).join(" "), query).toMatch(rule);
    }
  });

  it("shows a key limited to some methods only those payments, and asks for payments:read", async () => {
    const { call, created, admin } = await ingress();
    const made = await call("POST", "/v1/api-keys", admin, { name: "pix-reader", scopes: ["payments:read"], methods: ["PIX_KEY"] });
    const pixReader = `Bearer ${made.body.token as string}`;
    const seen = (await call("GET", "/v1/payments?limit=200", pixReader)).body as Page;
    expect(seen.payments.map((p) => p.paymentId)).toEqual(created.filter((c) => c.method === "PIX_KEY").map((c) => c.paymentId).reverse());
    const writer = await call("POST", "/v1/api-keys", admin, { name: "writer", scopes: ["payments:create"] });
    expect((await call("GET", "/v1/payments", `Bearer ${writer.body.token as string}`)).status).toBe(403);
  });
});
