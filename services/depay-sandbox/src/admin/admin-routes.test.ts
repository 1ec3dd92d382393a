import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOrder, startHarness, type Harness } from "../testing/sandbox-harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const admin = async (path: string) => {
  const response = await h.sandbox.app.request(path); // no bearer token needed
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("/__sandbox admin routes", () => {
  it("shows an order with its per-endpoint call counts and its callbacks", async () => {
    const orderId = await createOrder(h);
    const payment = { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/pay` };
    await h.post("/v2/payments", payment, { "idempotency-key": "k" });
    await h.post("/v2/payments", payment, { "idempotency-key": "k" });
    await h.get(`/v2/payments/${orderId}/status`);
    await h.sandbox.idle();

    const { status, body } = await admin(`/__sandbox/orders/${orderId}`);
    expect(status).toBe(200);
    expect(body.order).toMatchObject({ id: orderId, status: "COMPLETED", localAmount: "10", localCurrency: "BRL", paymentNotificationUrl: `${h.receiver.url}/pay` });
    expect(body.calls).toEqual({
      "preview-dict-key": { requests: 0, effects: 1, replays: 0, idempotencyConflicts: 0 },
      "preview-dict-key-peru": { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
      "preview-qr": { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
      "preview-qr-amount": { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
      pay: { requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 },
      refund: { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
      "payment-status": { requests: 1, effects: 0, replays: 0, idempotencyConflicts: 0 },
    });
    expect((body.callbacks as { label: string; state: string }[]).map((c) => [c.label, c.state])).toEqual([
      ["preview", "delivered"],
      ["PROCESSING", "delivered"],
      ["COMPLETED", "delivered"],
    ]);
  });

  it("totals the calls per endpoint and the callbacks", async () => {
    const orderId = await createOrder(h);
    await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/pay` });
    await h.post("/v2/payments", { order_id: "nope", status: "accepted", notification_url: `${h.receiver.url}/pay` });
    await h.sandbox.idle();
    const { body } = await admin("/__sandbox/calls");
    expect(body.endpoints).toMatchObject({
      "preview-dict-key": { method: "POST", path: "/v2/payments/previews/dictkey", requests: 1, effects: 1 },
      pay: { method: "POST", path: "/v2/payments", requests: 2, effects: 1 },
      "validate-dict-key": { requests: 0 },
    });
    expect(body.callbacks).toEqual({ enqueued: 3, delivered: 3, failed: 0, attempts: 3 });
    expect(body.internalErrors).toEqual([]);
  });

  it("answers 404 for an unknown order and lists orders", async () => {
    expect((await admin("/__sandbox/orders/nope")).status).toBe(404);
    await createOrder(h);
    expect(((await admin("/__sandbox/orders")).body.orders as unknown[]).length).toBe(1);
  });

  it("answers unknown routes NestJS-style", async () => {
    const response = await h.get("/v2/nothing-here");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, message: "Cannot GET /v2/nothing-here", error: "Not Found" });
  });
});
