import { describe, expect, it } from "vitest";
import type { Bus } from "@riel/bus";
import { callbackToken } from "@riel/depay";
import { createWebhookApp } from "./index.js";

const SECRET = "0123456789abcdef0123456789abcdef";

function setup(publishFails = false) {
  const published: Array<{ topic: string; key: string; record: { type: string; value: unknown } }> = [];
  const bus = {
    publish: async (topic: string, key: string, record: { type: string; value: unknown }) => {
      if (publishFails) throw new Error("broker unreachable");
      published.push({ topic, key, record });
    },
  } as unknown as Bus;
  const app = createWebhookApp({ bus, secret: () => SECRET, log: () => {} });
  const post = (paymentId: string, body: string, token = callbackToken(paymentId, SECRET)) =>
    app.request(`/webhooks/depay/${paymentId}/${token}`, { method: "POST", body, headers: { "content-type": "application/json" } });
  return { published, post };
}

const completed = (paymentId: string) =>
  `{"order_id":"o-1","external_reference":"${paymentId}","status":"COMPLETED","date":"2025-05-30T11:14:25.115Z","payment_date":"2025-05-30T11:14:25.115Z","merchant_name":"M","error_code":null}`;

describe("Depay webhook receiver", () => {
  it("publishes a verified status callback, with an id that a repeat of it shares", async () => {
    const { published, post } = setup();
    expect((await post("p-1", completed("p-1"))).status).toBe(200);
    expect((await post("p-1", completed("p-1"))).status).toBe(200);
    expect(published).toHaveLength(2);
    expect(published[0]?.record).toMatchObject({ type: "riel.events.ProviderStatusReceived", value: { status: "COMPLETED", providerOrderId: "o-1", source: "PROVIDER_CALLBACK" } });
    const ids = published.map((p) => (p.record.value as { envelope: { eventId: string } }).envelope.eventId);
    expect(ids[0]).toBe(ids[1]);
  });

  it("keeps preview amounts exact, as decimal text", async () => {
    const { published, post } = setup();
    const body = `{"payment_type":"DICT_KEY","external_reference":"p-2","collector":{"name":"DEPAY MARKET","identification_number":"20314691769","branch_office":""},"order":{"id":"o-2","status":"CREATED","local_total_amount":0.3,"local_currency":"BRL","user_total_amount":1637.3605,"user_currency":"ARS"},"version":"2.0"}`;
    expect((await post("p-2", body)).status).toBe(200);
    expect(published[0]?.record.value).toMatchObject({ localAmount: { amount: "0.3", currency: "BRL" }, userAmount: { amount: "1637.3605", currency: "ARS" } });
  });

  it("answers 401 to a bad token and publishes nothing", async () => {
    const { published, post } = setup();
    const res = await post("p-1", completed("p-1"), callbackToken("p-other", SECRET));
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(published).toHaveLength(0);
  });

  it("names the fields of an invalid body, and a reference that is not the URL's payment", async () => {
    const { published, post } = setup();
    const invalid = await post("p-1", `{"order_id":"o-1","external_reference":"p-1"}`);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(["status"]);
    const other = await post("p-1", completed("p-9"));
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ errors: [{ field: "external_reference" }] });
    expect((await post("p-1", "not json")).status).toBe(400);
    expect(published).toHaveLength(0);
  });

  it("answers 503 when Kafka did not take the event, so Depay sends it again", async () => {
    const { post } = setup(true);
    expect((await post("p-1", completed("p-1"))).status).toBe(503);
  });
});

describe("Depay webhook receiver limits", () => {
  it("refuses a body over 64 KiB with 413 and publishes nothing", async () => {
    const { published, post } = setup();
    const res = await post("p-1", `{"pad":"${"x".repeat(70_000)}"}`);
    expect(res.status).toBe(413);
    expect(published).toHaveLength(0);
  });
});
