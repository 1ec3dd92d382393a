import { describe, expect, it } from "vitest";
import type { Bus } from "@riel/bus";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import type { ProviderReport, WebhookModule } from "@riel/provider-port";
import { callbackToken } from "@riel/provider-port";
import type { ProviderReported, RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createWebhookApp } from "./app.js";

const SECRET = "0123456789abcdef0123456789abcdef";

/** A provider as the receiver sees one: a module that reads its bodies. No real provider is needed here. */
const fake: WebhookModule = {
  provider: "acme",
  parse(body, paymentId) {
    const parsed = JSON.parse(body) as { ref?: string; status?: string };
    if (parsed.ref !== paymentId) return { kind: "INVALID", errors: [{ field: "ref", rule: "must be the payment id of the callback URL" }] };
    const report: ProviderReport = {
      providerOrderId: "o-1",
      status: parsed.status === "DONE" ? "COMPLETED" : "UNSUPPORTED",
      providerStatus: parsed.status ?? "",
      amount: null,
      userAmount: null,
      refundAmount: null,
      refundId: null,
      wallets: null,
      payerInstructions: null,
      collector: null,
      reason: null,
      fact: [parsed.status ?? ""],
    };
    return { kind: "OK", reports: [report] };
  },
  acknowledgement: { status: 200, body: { ok: true } },
};

async function setup(publishFails = false) {
  const broker = new MemoryBroker();
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(broker), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const published = (): Promise<ProviderReported[]> =>
    Promise.all(
      broker
        .partitions(topics.providerEvents.name)
        .flat()
        .map(async (r) => (await codec.decode(r.topic, r.value)).value as ProviderReported),
    );
  const failing: Bus<RielTopics> = { ...bus, publish: async () => Promise.reject(new Error("broker unreachable")) };
  const checked: Array<[string, string]> = [];
  const app = createWebhookApp({
    bus: publishFails ? failing : bus,
    webhooks: [fake],
    secret: () => SECRET,
    log: () => {},
    checkNow: async (provider, paymentId) => {
      checked.push([provider, paymentId]);
    },
  });
  const post = (paymentId: string, body: string, token = callbackToken("acme", paymentId, SECRET), provider = "acme") =>
    app.request(`/webhooks/${provider}/${paymentId}/${token}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const count = (): number => broker.partitions(topics.providerEvents.name).flat().length;
  return { app, post, count, published, checked };
}

describe("webhook receiver", () => {
  it("refuses a flood of forged callbacks from one address with 429, and keeps taking another address's real ones", async () => {
    const broker = new MemoryBroker();
    const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
    const bus = createBus<RielTopics>({ transport: createMemoryTransport(broker), codec });
    await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
    let now = 0;
    const checked: string[] = [];
    const app = createWebhookApp({
      bus,
      webhooks: [fake],
      secret: () => SECRET,
      log: () => {},
      checkNow: async (_provider, paymentId) => {
        checked.push(paymentId);
      },
      rateLimit: { limits: createMemoryStore(() => now).limits, rule: { capacity: 5, refillPerSecond: 1 }, sourceOf: (c) => c.req.header("x-test-source") ?? "none" },
    });
    const post = (from: string, paymentId: string, token: string) =>
      app.request(`/webhooks/acme/${paymentId}/${token}`, { method: "POST", body: `{"ref":"${paymentId}","status":"DONE"}`, headers: { "content-type": "application/json", "x-test-source": from } });
    const flood = [];
    for (let i = 0; i < 20; i++) flood.push(await post("203.0.113.66", `forged-${i}`, "not-the-token"));
    expect(flood.map((r) => r.status)).toEqual([...Array<number>(5).fill(401), ...Array<number>(15).fill(429)]);
    const limited = flood.at(-1);
    expect(limited?.headers.get("retry-after")).toBe("1");
    expect(limited?.headers.get("content-type")).toBe("application/problem+json");
    // Refused before the token was checked: the flood beyond the burst scheduled no checks.
    expect(checked).toHaveLength(5);

    const real = await post("198.51.100.7", "p-9", callbackToken("acme", "p-9", SECRET));
    expect(real.status).toBe(200);
    expect(broker.partitions(topics.providerEvents.name).flat()).toHaveLength(1);
    // The flooding address gets one callback a second back.
    now += 1_000;
    expect((await post("203.0.113.66", "forged-x", "not-the-token")).status).toBe(401);
    expect((await post("203.0.113.66", "forged-y", "not-the-token")).status).toBe(429);
  });

  it("publishes a verified callback in Riel's words and answers what the provider expects", async () => {
    const { post, published } = await setup();
    const res = await post("p-1", `{"ref":"p-1","status":"DONE"}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await post("p-1", `{"ref":"p-1","status":"DONE"}`)).status).toBe(200);
    const events = await published();
    expect(events.map((e) => [e.provider, e.status, e.providerStatus, e.source])).toEqual([
      ["acme", "COMPLETED", "DONE", "PROVIDER_CALLBACK"],
      ["acme", "COMPLETED", "DONE", "PROVIDER_CALLBACK"],
    ]);
    // A repeated callback is the same fact: the projector drops it by this id.
    expect(events[0]?.envelope.eventId).toBe(events[1]?.envelope.eventId);
  });

  it("answers 401 to a token of another payment or provider and publishes nothing", async () => {
    const { post, count } = await setup();
    const other = await post("p-1", `{"ref":"p-1","status":"DONE"}`, callbackToken("acme", "p-2", SECRET));
    expect(other.status).toBe(401);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    expect((await post("p-1", `{"ref":"p-1","status":"DONE"}`, callbackToken("depay", "p-1", SECRET))).status).toBe(401);
    expect(count()).toBe(0);
  });

  it("asks for a check of the payment a forged callback names, unless the name cannot be a payment id", async () => {
    const { post, checked } = await setup();
    expect((await post("p-1", `{"ref":"p-1","status":"DONE"}`, "forged")).status).toBe(401);
    expect((await post("x".repeat(101), `{"ref":"p-1","status":"DONE"}`, "forged")).status).toBe(401);
    expect(checked).toEqual([["acme", "p-1"]]);
  });

  it("answers 404 for a provider it does not know, and 400 naming the field the provider's module refused", async () => {
    const { post, count } = await setup();
    expect((await post("p-1", "{}", "t", "nobody")).status).toBe(404);
    const invalid = await post("p-1", `{"ref":"p-9","status":"DONE"}`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ errors: [{ field: "ref", rule: "must be the payment id of the callback URL" }] });
    expect(count()).toBe(0);
  });

  it("takes a callback whose text was cut inside an emoji (a \\ud800 escape alone): the payment's news matters more than one character", async () => {
    // A provider that truncates a message by UTF-16 units can split a pair; refusing would make it
    // resend the same body for ever. Kafka's Avro then carries U+FFFD in its place.
    const { post, count } = await setup();
    expect((await post("p-1", `{"ref":"p-1","status":"DONE\\ud83d"}`)).status).toBe(200);
    expect(count()).toBe(1);
  });

  it("answers 503 when Kafka did not take the event, so the provider sends it again", async () => {
    const { post } = await setup(true);
    expect((await post("p-1", `{"ref":"p-1","status":"DONE"}`)).status).toBe(503);
  });

  it("refuses a body over 64 KiB with 413 and publishes nothing", async () => {
    const { post, count } = await setup();
    const res = await post("p-1", `{"pad":"${"x".repeat(70_000)}"}`);
    expect(res.status).toBe(413);
    expect(count()).toBe(0);
  });

  it("refuses a callback whose body stops half-way with 400, not as its own failure, and publishes nothing", async () => {
    const { app, count } = await setup();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"ref":"p-1",'));
        controller.error(new Error("aborted"));
      },
    });
    const res = await app.request(
      new Request(`http://x/webhooks/acme/p-1/${callbackToken("acme", "p-1", SECRET)}`, { method: "POST", body, headers: { "content-length": "30" }, duplex: "half" }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ field: "body", rule: "must arrive whole" }] });
    expect(count()).toBe(0);
  });
});
