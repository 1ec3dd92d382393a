import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, envelopeFor, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createFanout } from "@riel/webhooks";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

async function ingress() {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const store = createMemoryStore();
  const admin = testApiKey();
  const app = createIngressApp({ bus, store, log: () => {}, apiKeys: admin.keysFor(store) });
  const call = async (method: string, path: string, body?: unknown, authorization = admin.authorization) => {
    const res = await app.request(path, { method, headers: { "content-type": "application/json", authorization }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { store, call };
}

describe("webhook endpoints through the API", () => {
  it("refuses a bad registration naming each field, and stores nothing", async () => {
    const { store, call } = await ingress();
    const res = await call("POST", "/v1/webhook-endpoints", { url: "https://user:pw@shop.example/h", eventTypes: ["payment.paid"], secret: "mine" });
    expect(res.status).toBe(400);
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(["body", "eventTypes.0", "url"]);
    expect(await store.webhooks.listEndpoints()).toEqual([]);
  });

  it("needs webhooks:manage", async () => {
    const { call } = await ingress();
    const reader = await call("POST", "/v1/api-keys", { name: "reader", scopes: ["payments:read"] });
    const res = await call("POST", "/v1/webhook-endpoints", { url: "https://shop.example/h", eventTypes: ["*"] }, `Bearer ${String(reader.body.token)}`);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe("this API key lacks the scope webhooks:manage");
    expect((await call("GET", "/v1/webhook-endpoints")).body.endpoints).toEqual([]);
  });

  it("shows the secret once, answers 404 for ids it never made, and refuses to redeliver what still waits", async () => {
    const { store, call } = await ingress();
    const made = await call("POST", "/v1/webhook-endpoints", { url: "https://shop.example/h", eventTypes: ["*"] });
    expect(made.status).toBe(201);
    expect(String(made.body.secret)).toMatch(/^whsec_/);
    const id = String(made.body.id);
    const listed = (await call("GET", "/v1/webhook-endpoints")).body.endpoints as Array<Record<string, unknown>>;
    expect(listed).toEqual([expect.objectContaining({ id, waiting: 0 })]);
    expect(listed[0]).not.toHaveProperty("secret");

    for (const bad of ["we_0000000000000000", "../../etc", "x".repeat(300)]) {
      expect((await call("GET", `/v1/webhook-endpoints/${encodeURIComponent(bad)}/deliveries`)).status).toBe(404);
      expect((await call("DELETE", `/v1/webhook-endpoints/${encodeURIComponent(bad)}`)).status).toBe(404);
    }
    expect((await call("POST", "/v1/webhook-deliveries/whd_nope/redeliver")).status).toBe(404);
    const refused = await call("GET", `/v1/webhook-endpoints/${id}/deliveries?limit=201&before=x&what=1`);
    expect(refused.status).toBe(400);
    // Each error names its query parameter, as GET /v1/payments does: not the body, which a GET has none of.
    expect((refused.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(["query", "query before", "query limit"]);

    // One event: one delivery, waiting (no dispatcher runs here), so a redelivery is refused.
    await createFanout({ store: store.webhooks, log: () => {} })({
      type: "riel.events.PaymentNeedsAttention",
      value: { envelope: envelopeFor("p-1", null), provider: "depay", status: "PROCESSING", since: new Date().toISOString(), checks: 3, reason: "still PROCESSING", method: "PIX_KEY", externalReference: "r-1" },
    });
    const log = (await call("GET", `/v1/webhook-endpoints/${id}/deliveries`)).body;
    const [delivery] = log.deliveries as Array<{ id: string; status: string; type: string }>;
    expect(delivery).toMatchObject({ status: "PENDING", type: "payment.needs_attention" });
    expect(log.next).toBeNull();
    expect((await call("POST", `/v1/webhook-deliveries/${delivery?.id}/redeliver`)).status).toBe(409);
    expect((await call("GET", "/v1/webhook-endpoints")).body.endpoints).toEqual([expect.objectContaining({ waiting: 1 })]);

    expect((await call("DELETE", `/v1/webhook-endpoints/${id}`)).status).toBe(200);
    expect((await call("GET", `/v1/webhook-endpoints/${id}/deliveries`)).status).toBe(404);
    expect((await call("POST", `/v1/webhook-deliveries/${delivery?.id}/redeliver`)).status).toBe(404);
  });
});
