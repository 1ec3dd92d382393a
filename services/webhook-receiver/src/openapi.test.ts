import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import type { WebhookModule } from "@riel/provider-port";
import { callbackToken } from "@riel/provider-port";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createWebhookApp } from "./app.js";

const SECRET = "0123456789abcdef0123456789abcdef";

/** Two providers as the receiver sees them: modules that read their bodies and say how to acknowledge. */
const provider = (name: string, acknowledgement: unknown): WebhookModule => ({
  provider: name,
  parse: () => ({ kind: "INVALID", errors: [{ field: "body", rule: `must be ${name}'s callback` }] }),
  acknowledgement: { status: 200, body: acknowledgement },
});
const modules = [provider("acme", { ok: true }), provider("zenith", "RECEIVED")];

interface Document {
  readonly openapi: string;
  readonly paths: Record<string, { post?: { operationId: string; responses: Record<string, { content?: Record<string, { example?: unknown }> }> } }>;
}

async function receiver() {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  return createWebhookApp({ bus, webhooks: modules, secret: () => SECRET, log: () => {} });
}

describe("the webhook receiver's OpenAPI document", () => {
  it("documents one callback route per provider, with its acknowledgement and every answer", async () => {
    const res = await (await receiver()).request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as Document;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(["/webhooks/acme/{paymentId}/{token}", "/webhooks/zenith/{paymentId}/{token}"]);
    const zenith = doc.paths["/webhooks/zenith/{paymentId}/{token}"]?.post;
    expect(Object.keys(zenith?.responses ?? {})).toEqual(["200", "400", "401", "413", "503"]);
    expect(zenith?.responses["200"]?.content?.["application/json"]?.example).toBe("RECEIVED");
    expect(Object.keys(zenith?.responses["401"]?.content ?? {})).toEqual(["application/problem+json"]);
  });

  it("documents routes the receiver serves: a documented URL reaches the provider's module", async () => {
    const app = await receiver();
    const doc = JSON.parse(await (await app.request("/openapi.json")).text()) as Document;
    for (const path of Object.keys(doc.paths)) {
      const name = path.split("/")[2] ?? "";
      const url = path.replace("{paymentId}", "p-1").replace("{token}", callbackToken(name, "p-1", SECRET));
      const res = await app.request(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(await res.text())).toMatchObject({ errors: [{ field: "body", rule: `must be ${name}'s callback` }] });
      const forged = await app.request(path.replace("{paymentId}", "p-1").replace("{token}", "forged"), { method: "POST", body: "{}" });
      expect(forged.status, path).toBe(401);
    }
  });
});
