// What a body's text must be before its fields are read: UTF-8, and no string that UTF-8 cannot
// carry. Either would reach Kafka, Redis and the provider as U+FFFD, silently, if taken.
import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { PAYMENT_REQUEST_EXAMPLES } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

async function ingress() {
  const broker = new MemoryBroker();
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(broker), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const store = createMemoryStore();
  const admin = testApiKey();
  const app = createIngressApp({ bus, store, log: () => {}, apiKeys: admin.keysFor(store) });
  let n = 0;
  const post = async (path: string, body: string | Uint8Array) => {
    const res = await app.request(path, { method: "POST", headers: { "content-type": "application/json", authorization: admin.authorization, "idempotency-key": `k-${n++}` }, body });
    return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as { errors?: Array<{ field: string; rule: string }> } };
  };
  const published = () => broker.partitions(topics.paymentCommands.name).flat().length;
  return { post, published, store };
}

const qrOpen = JSON.stringify(PAYMENT_REQUEST_EXAMPLES.EMV_QR.qrOpen?.value);
const payin = JSON.stringify(PAYMENT_REQUEST_EXAMPLES.PERU_PAYIN.payinAll?.value);

describe("a request body's text", () => {
  it("refuses an unpaired surrogate in any string, naming its field, and publishes and stores nothing", async () => {
    const { post, published, store } = await ingress();
    // Fields whose own rules do not look at the characters: a payer's taxIdType (EMV_QR) and a pay-in's redirectUrl.
    const cases = [
      [qrOpen.replace('"taxIdType":"DNI"', '"taxIdType":"DNI\\ud800"'), "payer.taxIdType"],
      [payin.replace('/paid"', '/paid\\udfff"'), "redirectUrl"],
    ] as const;
    for (const [body, field] of cases) {
      const res = await post("/v1/payments", body);
      expect(res.status, field).toBe(400);
      expect(res.type).toBe("application/problem+json");
      expect(res.body.errors).toEqual([{ field, rule: expect.stringContaining("unpaired surrogate") }]);
    }
    const endpoint = await post("/v1/webhook-endpoints", '{"url":"https://shop.example/h\\ud800","eventTypes":["*"]}');
    expect(endpoint.status).toBe(400);
    expect(endpoint.body.errors).toEqual([{ field: "url", rule: expect.stringContaining("unpaired surrogate") }]);
    expect(published()).toBe(0);
    expect(await store.projections.list({ limit: 10 })).toEqual([]);
    expect(await store.webhooks.listEndpoints()).toEqual([]);
    // A whole pair (an emoji) is text like any other.
    expect((await post("/v1/payments", qrOpen.replace('"fullName":"Ana Quispe"', '"fullName":"Ana \\ud83d\\ude00"'))).status).toBe(202);
  });

  it("refuses bytes that are not UTF-8 rather than reading them as U+FFFD", async () => {
    const { post, published } = await ingress();
    // "Jo\xe3o": a Latin-1 name sent as it is.
    const latin1 = Buffer.from(qrOpen.replace("Ana Quispe", "Jo\u00e3o Quispe"), "latin1");
    const res = await post("/v1/payments", latin1);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "body", rule: "must be UTF-8 text" }]);
    expect(published()).toBe(0);
    // The same name in UTF-8, with or without a byte order mark, is taken.
    expect((await post("/v1/payments", Buffer.from(qrOpen.replace("Ana Quispe", "Jo\u00e3o Quispe"), "utf8"))).status).toBe(202);
    expect((await post("/v1/payments", `\ufeff${qrOpen}`)).status).toBe(202);
  });
});
