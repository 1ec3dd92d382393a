// The API as a published contract: the documents validate as OpenAPI 3.1 and are the committed
// ones, a client generated from the ingress's document completes a payment, and the reference page
// renders in a real browser. One Riel in this process, in-memory bus and store.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import createClient from "openapi-fetch";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import type { Infra } from "@riel/runtime";
import type { components, paths } from "../../openapi/ingress.js";
import { StatusWatcher, TEST_API_KEY } from "./harness.js";
import { clientTypes } from "./openapi-types.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = new URL("../../", import.meta.url);
const committed = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");

let riel: RunningRiel;
let watcher: StatusWatcher;
let watcherInfra: Infra;

beforeAll(async () => {
  const infra = infraFromEnv({});
  if (infra.kind !== "embedded") throw new Error("expected the embedded infrastructure");
  riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
  watcherInfra = await connectInfra(infra, `e2e-${randomUUID()}`, () => {});
  watcher = await StatusWatcher.start(watcherInfra.bus);
});

afterAll(async () => {
  await watcher?.stop();
  await riel?.stop();
  await watcherInfra?.close();
});

const documentOf = async (url: string): Promise<Record<string, unknown>> => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as Record<string, unknown>;
};

describe("the API documents", () => {
  for (const [name, base, file] of [
    ["ingress", () => riel.ingressUrl, "openapi/ingress.json"],
    ["webhook receiver", () => riel.webhookUrl, "openapi/webhooks.json"],
  ] as const) {
    it(`the ${name}'s /openapi.json validates as OpenAPI 3.1 and is the committed ${file}`, async () => {
      const document = await documentOf(`${base()}/openapi.json`);
      expect(document.openapi).toBe("3.1.0");
      // The validator dereferences what it is given: it gets a copy.
      const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
      expect(result.valid ? [] : result.errors.map((e) => e.message), "OpenAPI 3.1 validation errors").toEqual([]);
      expect(result.specification).toBe("OpenAPI");
      expect(document, `${file} is stale: run \`pnpm openapi\``).toEqual(JSON.parse(committed(file)));
    });
  }

  it("the committed client types (openapi/ingress.d.ts) are what openapi-typescript makes of the served document", async () => {
    const document = await documentOf(`${riel.ingressUrl}/openapi.json`);
    expect(await clientTypes(document, "openapi/ingress.json"), "openapi/ingress.d.ts is stale: run `pnpm openapi`").toBe(committed("openapi/ingress.d.ts"));
  });
});

describe("a client generated from the document", () => {
  it("completes a Pix payment: create, preview, accept, paid", async () => {
    const client = createClient<paths>({ baseUrl: riel.ingressUrl, headers: { authorization: `Bearer ${riel.apiKey}` } });
    const key = randomUUID();
    const body: components["schemas"]["PixKeyRequest"] = {
      method: "PIX_KEY",
      payeeKey: "390.533.447-05",
      amount: { amount: "10.50", currency: "BRL" },
      payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" },
      externalReference: `client-${key.slice(0, 8)}`,
    };
    const created = await client.POST("/v1/payments", { params: { header: { "Idempotency-Key": key } }, body });
    expect(created.response.status).toBe(202);
    if (!created.data) throw new Error(`no 202 body: ${JSON.stringify(created.error)}`);
    const { paymentId } = created.data;
    expect(created.data.status).toBe("RECEIVED");

    await watcher.waitFor(paymentId, "CREATED");
    const preview = await client.GET("/v1/payments/{id}", { params: { path: { id: paymentId } } });
    expect(preview.data?.status).toBe("CREATED");
    expect(preview.data?.actions).toEqual(["ACCEPT", "REJECT"]);

    const accepted = await client.POST("/v1/payments/{id}/confirm", {
      params: { path: { id: paymentId }, header: { "Idempotency-Key": `${key}-accept` } },
      body: { decision: "ACCEPT" },
    });
    expect(accepted.response.status).toBe(202);
    expect(accepted.data?.decision).toBe("ACCEPT");

    await watcher.waitFor(paymentId, "COMPLETED");
    const paid = await client.GET("/v1/payments/{id}", { params: { path: { id: paymentId } } });
    expect(paid.data).toMatchObject({ paymentId, status: "COMPLETED", amount: { amount: "10.50", currency: "BRL" }, actions: ["REFUND"] });
    expect(paid.data?.history.map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
  });

  it("reads a refusal as the documented problem+json", async () => {
    const client = createClient<paths>({ baseUrl: riel.ingressUrl, headers: { authorization: `Bearer ${riel.apiKey}` } });
    const refused = await client.POST("/v1/payments", {
      params: { header: { "Idempotency-Key": randomUUID() } },
      body: { method: "PIX_KEY", payeeKey: "123.456.789-00", amount: { amount: "10.50", currency: "BRL" }, payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" }, externalReference: "client-bad" },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.response.headers.get("content-type")).toBe("application/problem+json");
    const problem: components["schemas"]["Problem"] | undefined = refused.error;
    expect(problem?.errors).toEqual([{ field: "payeeKey", rule: expect.stringMatching(/^CPF_CHECK_DIGIT/) }]);
  });
});

describe("the API reference page", () => {
  it("renders /docs in headless Chromium, offline, showing the payment routes", async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does, to check the API reference page`);
    }
    const script = await fetch(`${riel.ingressUrl}/docs/scalar.js`);
    expect(script.status, `the reference's script (${await script.clone().text().then((t) => t.slice(0, 200))}): is @scalar/api-reference installed in @riel/ingress-api?`).toBe(200);
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.protocol.startsWith("http") && url.hostname !== "127.0.0.1" && url.hostname !== "localhost") elsewhere.push(request.url());
      });
      const failures: string[] = [];
      page.on("pageerror", (error) => failures.push(error.message));
      const res = await page.goto(`${riel.ingressUrl}/docs`);
      expect(res?.status()).toBe(200);
      await page.getByText("Ask for a payment").first().waitFor({ timeout: 30_000 });
      const text = await page.locator("body").innerText();
      expect(text).toContain("/v1/payments");
      for (const summary of ["A payment as it stands", "Accept or reject the preview", "Refund a paid pay-out, in full or in part"]) expect(text).toContain(summary);
      // The first route, opened from the sidebar: its Idempotency-Key and its body, one branch per method.
      await page.getByText("Ask for a payment").first().click();
      await page.getByText("Idempotency-Key").first().waitFor({ timeout: 10_000 });
      expect(await page.locator("body").innerText()).toContain("PIX_KEY");
      mkdirSync(new URL("test-artifacts/", ROOT), { recursive: true });
      await page.screenshot({ path: new URL("test-artifacts/docs.png", ROOT).pathname, fullPage: false });
      expect(failures, "script errors on the page").toEqual([]);
      expect(elsewhere, "the page must load nothing from outside this server").toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
