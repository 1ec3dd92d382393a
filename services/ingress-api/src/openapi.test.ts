import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { METHODS, PAYMENT_REQUEST_EXAMPLES, paymentViewSchema } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

async function ingress() {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const store = createMemoryStore();
  return createIngressApp({ bus, store, log: () => {}, apiKeys: key.keysFor(store) });
}
const key = testApiKey();
const { authorization } = key;

interface Operation {
  readonly operationId: string;
  readonly parameters?: ReadonlyArray<{ name: string; in: string; required?: boolean }>;
  readonly requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  readonly responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, { oneOf?: unknown[]; discriminator?: { propertyName: string; mapping: Record<string, string> } }> };
}

const json = async (res: Response): Promise<unknown> => JSON.parse(await res.text()) as unknown;
const post = (body: string, headers: Record<string, string> = {}) => ({ method: "POST", body, headers: { "content-type": "application/json", authorization, ...headers } });
const pix = JSON.stringify(PAYMENT_REQUEST_EXAMPLES.PIX_KEY.pixCpf?.value);

describe("the ingress API's OpenAPI document", () => {
  it("documents every route the app serves, and only those", async () => {
    const app = await ingress();
    const doc = (await json(await app.request("/openapi.json"))) as Document;
    expect(doc.openapi).toBe("3.1.0");
    const served = app.routes
      .filter((r) => r.path.startsWith("/v1/") && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
    expect(documented).toHaveLength(16);
  });

  it("takes each method of the registry as a branch of POST /v1/payments, with its examples", async () => {
    const doc = (await json(await (await ingress()).request("/openapi.json"))) as Document;
    const union = doc.components.schemas.PaymentRequest;
    expect(union?.discriminator?.propertyName).toBe("method");
    expect(Object.keys(union?.discriminator?.mapping ?? {})).toEqual(METHODS.map((m) => m.method));
    expect(union?.oneOf).toHaveLength(METHODS.length);
    const create = doc.paths["/v1/payments"]?.post;
    const examples = create?.requestBody?.content["application/json"]?.examples ?? {};
    for (const m of METHODS) {
      for (const [name, example] of Object.entries(PAYMENT_REQUEST_EXAMPLES[m.method])) expect(examples[name]?.value, name).toEqual(example.value);
    }
    expect(create?.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }));
  });

  it("describes every answer of every route, errors as problem+json", async () => {
    const doc = (await json(await (await ingress()).request("/openapi.json"))) as Document;
    const statuses = Object.fromEntries(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => [op.operationId, Object.keys(op.responses)])));
    expect(statuses).toEqual({
      createApiKey: ["201", "400", "401", "403", "413", "429", "503"],
      listApiKeys: ["200", "401", "403", "429", "503"],
      revokeApiKey: ["200", "401", "403", "404", "409", "429", "503"],
      createWebhookEndpoint: ["201", "400", "401", "403", "413", "429", "503"],
      listWebhookEndpoints: ["200", "401", "403", "429", "503"],
      deleteWebhookEndpoint: ["200", "401", "403", "404", "429", "503"],
      listWebhookDeliveries: ["200", "400", "401", "403", "404", "429", "503"],
      redeliverWebhook: ["202", "401", "403", "404", "409", "429", "503"],
      createPayment: ["202", "400", "401", "403", "409", "413", "429", "503"],
      listPayments: ["200", "400", "401", "403", "429", "503"],
      getPayment: ["200", "401", "403", "404", "429", "503"],
      confirmPayment: ["202", "400", "401", "403", "404", "409", "413", "429", "503"],
      setPaymentAmount: ["202", "400", "401", "403", "404", "409", "413", "429", "503"],
      refundPayment: ["202", "400", "401", "403", "404", "409", "413", "422", "429", "503"],
      syncPayment: ["202", "401", "403", "404", "409", "413", "429", "503"],
      getPaymentQr: ["200", "401", "403", "404", "429", "503"],
    });
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${op.operationId} ${status}`).toEqual(["application/problem+json"]);
        }
      }
    }
    expect(Object.keys(doc.paths["/v1/payments/{id}/qr.png"]?.get?.responses["200"]?.content ?? {})).toEqual(["image/png"]);
  });

  it("is the committed openapi/ingress.json", async () => {
    const committed = JSON.parse(readFileSync(new URL("../../../openapi/ingress.json", import.meta.url), "utf8")) as unknown;
    expect(await json(await (await ingress()).request("/openapi.json")), "run `pnpm openapi` and commit openapi/").toEqual(committed);
  });

  it("leaves validation to Riel's parsers: refusals keep their problem+json, and any content type is read", async () => {
    const app = await ingress();
    const refused = await app.request("/v1/payments", post("{}"));
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await refused.text()).toBe(
      JSON.stringify({
        type: "about:blank",
        status: 400,
        title: "Invalid request",
        detail: "2 field(s) break a rule",
        errors: [
          { field: "header Idempotency-Key", rule: "is required" },
          { field: "method", rule: `must be one of: ${METHODS.map((m) => m.method).join(", ")}` },
        ],
      }),
    );
    const badKey = await app.request("/v1/payments", post(pix, { "idempotency-key": "two words" }));
    expect(await json(badKey)).toMatchObject({ errors: [{ field: "header Idempotency-Key", rule: "must be 1 to 255 printable ASCII characters" }] });
    const plain = await app.request("/v1/payments", { method: "POST", body: pix, headers: { "content-type": "text/plain", "idempotency-key": "plain-1", authorization } });
    expect(plain.status).toBe(202);
  });

  it("answers as it documents: the 202 and the view match their schemas", async () => {
    const app = await ingress();
    const accepted = (await json(await app.request("/v1/payments", post(pix, { "idempotency-key": "view-1" })))) as { paymentId: string };
    const view = await json(await app.request(`/v1/payments/${accepted.paymentId}`, { headers: { authorization } }));
    expect(paymentViewSchema.strict().safeParse(view)).toMatchObject({ success: true });
  });

  it("serves the reference page with its script from this server, not a CDN", async () => {
    const app = await ingress();
    const page = await app.request("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/docs/scalar.js"');
    expect(html).toContain('"url": "/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
