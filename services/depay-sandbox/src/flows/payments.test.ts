import { afterEach, describe, expect, it } from "vitest";
import { FAILED_ERROR_CODE, PIX_TEST_KEYS, REJECTED_ERROR_CODE } from "../dict-key/dict-directory.js";
import { createOrder, parseJsonBody, startHarness, type Harness } from "../testing/sandbox-harness.js";
import { REJECTED_BY_USER } from "./payments.js";

const PAY = "/v2/payments";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** A clock that moves 1.5 ms per reading, so every recorded moment is distinct and known. */
function steppingClock(start = Date.parse("2025-03-21T20:01:30.948Z")) {
  let tick = 0;
  return () => new Date(start + 1.5 * tick++);
}

function payBody(orderId: string, status: "accepted" | "rejected" = "accepted") {
  return { order_id: orderId, status, notification_url: `${h.receiver.url}/payments?sig=abc` };
}

async function paymentCallbacks(count: number) {
  const all = await h.receiver.waitFor(count);
  return all.filter((r) => r.target.startsWith("/payments")).map((r) => parseJsonBody(r.body));
}

describe("POST /v2/payments", () => {
  it("answers PROCESSING, then posts PROCESSING and COMPLETED callbacks in that order", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    const response = await h.post(PAY, payBody(orderId));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "PROCESSING", message: "Payment in process" });

    await h.sandbox.idle();
    const callbacks = await paymentCallbacks(3);
    expect(h.receiver.received.slice(1).map((r) => r.target)).toEqual(["/payments?sig=abc", "/payments?sig=abc"]);
    expect(callbacks.map((c) => c.status)).toEqual(["PROCESSING", "COMPLETED"]);
    const [processing, completed] = callbacks;
    const common = {
      order_id: orderId,
      external_reference: "5201M17",
      external_reference_id: "5201M17",
      merchant_identification_number: expect.stringMatching(/^\d+$/),
      merchant_name: expect.stringMatching(/^SANDBOX RECIPIENT /),
      error_code: null,
    };
    expect(processing).toEqual({ ...common, status: "PROCESSING", date: expect.any(String), payment_date: null });
    expect(completed).toEqual({ ...common, status: "COMPLETED", date: expect.any(String), payment_date: expect.any(String) });
    expect(Object.keys(completed ?? {})).toEqual([
      "order_id",
      "external_reference",
      "external_reference_id",
      "status",
      "date",
      "payment_date",
      "merchant_identification_number",
      "merchant_name",
      "error_code",
    ]);
    expect(String(completed?.payment_date)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("COMPLETED");
  });

  it.each([
    ["REJECTED", PIX_TEST_KEYS.rejected, REJECTED_ERROR_CODE],
    ["FAILED", PIX_TEST_KEYS.failed, FAILED_ERROR_CODE],
  ])("ends %s for its test key, with the documented error_code", async (status, dictKey, errorCode) => {
    h = await startHarness();
    const orderId = await createOrder(h, { dict_key: dictKey });
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    const callbacks = await paymentCallbacks(3);
    expect(callbacks.map((c) => [c.status, c.error_code, c.payment_date])).toEqual([
      ["PROCESSING", null, null],
      [status, errorCode, null],
    ]);
    expect(h.sandbox.orders.get(orderId)?.order).toMatchObject({ status, errorCode });
  });

  it("cancels the order when the user rejects the preview", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    const response = await h.post(PAY, payBody(orderId, "rejected"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "CANCELED", message: "Payment canceled" });
    await h.sandbox.idle();
    const callbacks = await paymentCallbacks(2);
    expect(callbacks.map((c) => [c.status, c.error_code])).toEqual([["CANCELED", REJECTED_BY_USER]]);
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("CANCELED");
  });

  it("answers the documented 404 receipt body for an unknown order", async () => {
    h = await startHarness();
    const unknown = "cd17fff7-ed31-47b7-948f-9fdec0cda9ce";
    const response = await h.post(PAY, payBody(unknown));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      eventId: "2105",
      details: "The receipt does not exist",
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      errors: [{ code: "2105", title: "Receipt not found.", detail: `No receipt found for the id: ${unknown}` }],
    });
  });

  it("answers 409 Conflict error when the order is no longer CREATED, and causes nothing", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await h.post(PAY, payBody(orderId));
    for (const decision of ["accepted", "rejected"] as const) {
      const again = await h.post(PAY, payBody(orderId, decision));
      expect(again.status).toBe(409);
      expect(await again.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    }
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(3);
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toEqual({ requests: 3, effects: 1, replays: 0, idempotencyConflicts: 0 });
  });

  it("validates the body in the NestJS style", async () => {
    h = await startHarness();
    const response = await h.post(PAY, { status: "maybe", notification_url: "not a url" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      statusCode: 400,
      message: [
        "order_id should not be empty",
        "status must be one of the following values: accepted, rejected",
        "notification_url must be a URL address",
      ],
    });
  });

  it("has one effect for a repeated idempotency key: same answer, no second callback sequence", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    const headers = { "idempotency-key": "pay-1" };
    const first = await h.post(PAY, payBody(orderId), headers);
    const replay = await h.post(PAY, payBody(orderId), headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(await first.json());
    const other = await h.post(PAY, payBody(orderId, "rejected"), headers);
    expect(other.status).toBe(409);
    await h.sandbox.idle();
    expect((await paymentCallbacks(3)).map((c) => c.status)).toEqual(["PROCESSING", "COMPLETED"]);
    expect(h.receiver.received).toHaveLength(3);
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toEqual({ requests: 3, effects: 1, replays: 1, idempotencyConflicts: 1 });
  });

  it("has one effect when the same key arrives concurrently", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    const responses = await Promise.all(Array.from({ length: 5 }, () => h.post(PAY, payBody(orderId), { "idempotency-key": "pay-same" })));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies).toEqual(Array.from({ length: 5 }, () => ({ status: "PROCESSING", message: "Payment in process" })));
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(3);
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toMatchObject({ requests: 5, effects: 1, replays: 4 });
  });

  it("keeps delivering in order when the receiver fails first", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    h.receiver.respondWith(500, 502);
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(h.receiver.received.slice(1).map((r) => [parseJsonBody(r.body).status, r.answeredWith])).toEqual([
      ["PROCESSING", 500],
      ["PROCESSING", 502],
      ["PROCESSING", 200],
      ["COMPLETED", 200],
    ]);
    expect(h.sandbox.orders.get(orderId)?.callbacks.map((c) => [c.label, c.state, c.attempts])).toEqual([
      ["preview", "delivered", 1],
      ["PROCESSING", "delivered", 3],
      ["COMPLETED", "delivered", 1],
    ]);
  });

  it("signs callbacks when a signing secret is configured", async () => {
    h = await startHarness({ callbackSigningSecret: "a-signing-secret" });
    await createOrder(h);
    expect(h.receiver.received[0]?.headers["x-depay-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });
});

describe("PIX_TEST_KEYS.silent: callbacks dropped after the pay request", () => {
  it("sends the preview callback, then nothing: the payment COMPLETES and only the status query tells", async () => {
    h = await startHarness();
    const orderId = await createOrder(h, { dict_key: PIX_TEST_KEYS.silent });
    const response = await h.post(PAY, payBody(orderId));
    expect(await response.json()).toEqual({ status: "PROCESSING", message: "Payment in process" });
    await h.sandbox.idle();
    expect(h.receiver.received.map((r) => r.target)).toEqual(["/previews"]);
    const body = parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
    expect(body.status).toBe("COMPLETED");
    expect((body.statuses as { status: string }[]).map((s) => s.status)).toEqual(["CREATED", "PROCESSING", "COMPLETED"]);
    expect(h.sandbox.orders.get(orderId)?.order.callbacksAfterPay).toBe("dropped");
    expect(h.sandbox.orders.get(orderId)?.callbacks.map((c) => c.label)).toEqual(["preview"]);
  });

  it("drops the refund callbacks and a rejected decision's CANCELED callback too", async () => {
    h = await startHarness();
    const paid = await createOrder(h, { dict_key: PIX_TEST_KEYS.silent });
    await h.post(PAY, payBody(paid));
    await h.sandbox.idle();
    const refund = await h.post(`/v2/payments/${paid}/refunds`, { amount: 10 }, { "idempotency-key": "silent-refund" });
    expect(refund.status).toBe(200);
    const declined = await createOrder(h, { dict_key: PIX_TEST_KEYS.silent });
    await h.post(PAY, payBody(declined, "rejected"));
    await h.sandbox.idle();
    expect(h.receiver.received.map((r) => r.target)).toEqual(["/previews", "/previews"]);
    expect(parseJsonBody(await (await h.get(`/v2/payments/${paid}/status`)).text()).status).toBe("REFUNDED");
    expect(parseJsonBody(await (await h.get(`/v2/payments/${declined}/status`)).text()).status).toBe("CANCELED");
  });

  it("still announces an expired preview (no pay request named a URL yet)", async () => {
    h = await startHarness();
    const orderId = await createOrder(h, { dict_key: PIX_TEST_KEYS.silent });
    await h.sandbox.app.request(`/__sandbox/orders/${orderId}/expire`, { method: "POST" });
    await h.sandbox.idle();
    expect(h.receiver.received.map((r) => parseJsonBody(r.body).status ?? "preview")).toEqual(["preview", "CANCELED"]);
  });
});

describe("GET /v2/payments/{order_id}/status", () => {
  it("returns the documented shape: four-decimal amount strings and a statuses[] history", async () => {
    h = await startHarness({ now: steppingClock() });
    const orderId = await createOrder(h, {
      amount: 7,
      external_reference: "123123123",
      user: { full_name: "A", currency: "ARS", account_number: "1", tax_id: "2" },
    });
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    const response = await h.get(`/v2/payments/${orderId}/status`);
    expect(response.status).toBe(200);
    const body = parseJsonBody(await response.text());
    expect(body).toEqual({
      id: orderId,
      status: "COMPLETED",
      creation_date: "2025-03-21T20:01:30.948Z",
      update_date: expect.stringMatching(/^2025-03-21T20:01:30\.9\d\dZ$/),
      local_amount: "7.0000",
      local_currency: "BRL",
      user_amount: "1637.3602",
      user_currency: "ARS",
      external_reference: "123123123",
      merchant_identification_number: expect.stringMatching(/^\d+$/),
      merchant_name: expect.stringMatching(/^SANDBOX RECIPIENT /),
      statuses: [
        { status: "CREATED", created_at: "2025-03-21 20:01:30.948000" },
        { status: "PROCESSING", created_at: expect.stringMatching(/^2025-03-21 20:01:30\.9\d{5}$/) },
        { status: "COMPLETED", created_at: expect.stringMatching(/^2025-03-21 20:01:30\.9\d{5}$/) },
      ],
    });
  });

  it("answers PROCESSING between the pay answer and the final step", async () => {
    h = await startHarness({ callbackDelayMs: 60_000 });
    const preview = await h.post("/v2/payments/previews/dictkey", {
      dict_key: "39053344705",
      amount: 1,
      external_reference: "r",
      notification_url: `${h.receiver.url}/p`,
      user: { full_name: "A", currency: "BRL", account_number: "1", tax_id: "2" },
    });
    expect(preview.status).toBe(200);
    const [order] = h.sandbox.orders.list();
    const orderId = order?.id ?? "";
    await h.post(PAY, payBody(orderId));
    const body = parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
    expect(body.status).toBe("PROCESSING");
  });

  it("answers 404 with the receipt body for an unknown order, and 401 without a token", async () => {
    h = await startHarness();
    const response = await h.get("/v2/payments/unknown-id/status");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: { detail: string }[] }).errors[0]?.detail).toBe("No receipt found for the id: unknown-id");
    const anonymous = await h.sandbox.app.request("/v2/payments/unknown-id/status");
    expect(anonymous.status).toBe(401);
  });
});
