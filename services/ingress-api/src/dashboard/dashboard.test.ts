import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { PAYMENT_REQUEST_EXAMPLES } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "../app.js";
import { testApiKey } from "../testing.js";
import type { DashboardAccess } from "./index.js";
import { LiveFeed } from "./index.js";

const TOKEN = "a-dashboard-token-for-tests";
const pix = PAYMENT_REQUEST_EXAMPLES.PIX_KEY.pixCpf?.value as Record<string, unknown>;

async function ingress(access: DashboardAccess) {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const store = createMemoryStore();
  const key = testApiKey();
  const feed = new LiveFeed();
  const app = createIngressApp({ bus, store, log: () => {}, apiKeys: key.keysFor(store), dashboard: { feed, access } });
  return { app, feed, authorization: key.authorization };
}

describe("the dashboard's door", () => {
  it("asks for its token: without it a sign-in page and 401s, with it (header or the cookie sign-in sets) the pages and data", async () => {
    const { app } = await ingress({ kind: "token", token: TOKEN });
    const page = await app.request("/dashboard");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('action="/dashboard/login"');
    for (const path of ["/dashboard/api/payments", "/dashboard/api/overview", "/dashboard/api/dead-letters", "/dashboard/events", "/dashboard/payments/x"]) {
      expect((await app.request(path)).status, path).toBe(401);
      expect((await app.request(path, { headers: { authorization: "Bearer not-it" } })).status, path).toBe(401);
    }
    expect((await app.request("/dashboard", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    const wrong = await app.request("/dashboard/login", { method: "POST", body: new URLSearchParams({ token: "nope" }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const right = await app.request("/dashboard/login", { method: "POST", body: new URLSearchParams({ token: TOKEN }) });
    expect(right.status).toBe(303);
    const cookie = (right.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(right.headers.get("set-cookie")).toMatch(/HttpOnly/);
    expect(cookie).not.toContain(TOKEN);
    expect((await app.request("/dashboard/api/overview", { headers: { cookie } })).status).toBe(200);
    // The cookie opens the dashboard only, not the payment API.
    expect((await app.request("/v1/payments", { headers: { cookie } })).status).toBe(401);
  });

  it("shows what a payment holds as text, never as markup, under a policy that runs only its own script", async () => {
    const { app, authorization } = await ingress({ kind: "open" });
    const hostile = "<script>alert(1)</script>&\"'";
    const created = await app.request("/v1/payments", { method: "POST", headers: { authorization, "content-type": "application/json", "idempotency-key": "x-1" }, body: JSON.stringify({ ...pix, externalReference: hostile }) });
    const body = (await created.json()) as { paymentId: string };
    const page = await app.request(`/dashboard/payments/${body.paymentId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;");
    const list = (await (await app.request("/dashboard/api/payments")).json()) as { payments: Array<{ externalReference: string; collector: unknown }> };
    expect(list.payments.map((p) => p.externalReference)).toEqual([hostile]);
  });

  it("keeps the newest dead letters once each, and ends open streams when it closes", async () => {
    const { app, feed } = await ingress({ kind: "open" });
    for (const i of [...Array(205).keys(), 204, 203]) feed.publish({ kind: "dead-letter", id: `t.dlq/0/${i}`, sourceTopic: "t", group: "g", reason: `r${i}`, failedAt: "", key: "k", attempts: "5" });
    const letters = ((await (await app.request("/dashboard/api/dead-letters")).json()) as { deadLetters: Array<{ id: string }> }).deadLetters;
    expect(letters).toHaveLength(200);
    expect(letters[0]?.id).toBe("t.dlq/0/204");
    expect(letters[199]?.id).toBe("t.dlq/0/5");
    expect(new Set(letters.map((l) => l.id)).size).toBe(200);

    const stream = await app.request("/dashboard/events");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: hello")) text += decoder.decode((await reader.read()).value);
    feed.publish({ kind: "payment", paymentId: "p-1", status: "COMPLETED", previousStatus: "PROCESSING", final: true, method: "PIX_KEY", provider: "depay", source: "PROVIDER_CALLBACK", at: "2026-11-22T00:00:00Z" });
    while (!text.includes("p-1")) text += decoder.decode((await reader.read()).value);
    expect(text).toMatch(/event: payment\ndata: \{"kind":"payment","paymentId":"p-1"/);
    feed.close();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
    expect(feed.listeners).toBe(0);
  });
});
