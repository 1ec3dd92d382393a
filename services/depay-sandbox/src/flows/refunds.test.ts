import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIX_TEST_KEYS } from "../dict-key/dict-directory.js";
import { PERU_TEST_KEYS } from "../dict-key/peru-directory.js";
import { QR_TEST_CODES } from "../qr/qr-test-codes.js";
import {
  createOrder,
  createQrOrder,
  parseJsonBody,
  payAndSettle,
  PERU_PREVIEW,
  peruPreviewBody,
  previewOrder,
  startHarness,
  type Harness,
} from "../testing/sandbox-harness.js";
import { REFUND_REJECT_CENTS, REFUND_REJECTED_ERROR_CODE } from "./refunds.js";

const refundPath = (orderId: string) => `/v2/payments/${orderId}/refunds`;
const PROCESSING = { status: "PROCESSING", message: "Refund in process" };

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

let keys = 0;
/** A refund request with a fresh idempotency key unless one is given. */
async function refund(orderId: string, amount: unknown, key = `refund-${++keys}`): Promise<Response> {
  return h.post(refundPath(orderId), { amount }, { "idempotency-key": key });
}

/** A Pix order of 10 BRL (unless given another amount), paid and COMPLETED. */
async function paidOrder(overrides: Record<string, unknown> = {}): Promise<string> {
  const orderId = await createOrder(h, { amount: 10, ...overrides });
  await payAndSettle(h, orderId);
  return orderId;
}

/** Refund callbacks received so far (they go to the pay request's notification_url, after PROCESSING and COMPLETED). */
function refundCallbacks(): Record<string, unknown>[] {
  return h.receiver.received
    .filter((r) => r.target === "/payments")
    .map((r) => parseJsonBody(r.body))
    .filter((body) => "amount" in body);
}

async function status(orderId: string): Promise<Record<string, unknown>> {
  return parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
}

describe("POST /v2/payments/{order_id}/refunds (chosen: provider docs gap 1)", () => {
  it("refunds in parts: PARTIALLY_REFUNDED while something is left, REFUNDED when the refunds reach the paid amount", async () => {
    const orderId = await paidOrder();
    const first = await refund(orderId, 4);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual(PROCESSING);
    await h.sandbox.idle();
    expect(await refund(orderId, 6).then((r) => r.json())).toEqual(PROCESSING);
    await h.sandbox.idle();

    const [partial, full] = refundCallbacks();
    const order = h.sandbox.orders.get(orderId)?.order;
    const common = {
      order_id: orderId,
      external_reference: "5201M17",
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      payment_date: order?.paymentDate,
      merchant_identification_number: order?.merchant.identificationNumber,
      merchant_name: order?.merchant.name,
      error_code: null,
      currency: "BRL",
    };
    expect(partial).toEqual({ ...common, status: "PARTIALLY_REFUNDED", amount: 4 });
    expect(full).toEqual({ ...common, status: "REFUNDED", amount: 6 });
    expect(Object.keys(full ?? {})).toEqual([
      "order_id",
      "external_reference",
      "status",
      "date",
      "payment_date",
      "merchant_identification_number",
      "merchant_name",
      "error_code",
      "amount",
      "currency",
    ]);
    expect(order?.status).toBe("REFUNDED");

    const body = await status(orderId);
    expect(body).toMatchObject({ status: "REFUNDED", local_amount: "10.0000" });
    expect((body.statuses as { status: string; created_at: string }[]).map((s) => s.status)).toEqual([
      "CREATED",
      "PROCESSING",
      "COMPLETED",
      "PARTIALLY_REFUNDED",
      "REFUNDED",
    ]);
    for (const change of body.statuses as { created_at: string }[]) expect(change.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it("writes the refund's amount exactly as a JSON number", async () => {
    const orderId = await paidOrder({ amount: 100 });
    await refund(orderId, 10.1);
    await h.sandbox.idle();
    const raw = h.receiver.received.at(-1)?.body ?? "";
    expect(raw).toContain('"amount":10.1,');
    expect(raw).toContain('"status":"PARTIALLY_REFUNDED"');
  });

  it(`rejects a refund whose cents are .${REFUND_REJECT_CENTS} by callback, and leaves the order and its refundable amount as they were`, async () => {
    const orderId = await paidOrder();
    expect(await refund(orderId, 1.13).then((r) => r.json())).toEqual(PROCESSING);
    await h.sandbox.idle();
    expect(refundCallbacks()).toEqual([
      expect.objectContaining({ order_id: orderId, status: "REJECTED", error_code: REFUND_REJECTED_ERROR_CODE, amount: 1.13, currency: "BRL" }),
    ]);
    expect((await status(orderId)).status).toBe("COMPLETED");
    // The whole paid amount is still refundable.
    expect((await refund(orderId, 10)).status).toBe(200);
    await h.sandbox.idle();
    expect(refundCallbacks().map((c) => [c.status, c.amount])).toEqual([
      ["REJECTED", 1.13],
      ["REFUNDED", 10],
    ]);
  });

  it("refuses an amount above what is left to refund, counting refunds in flight", async () => {
    const orderId = await paidOrder();
    expect((await refund(orderId, 10.01)).status).toBe(400);
    // Sent together: whether the first is still in flight or done, the second cannot fit.
    const [first, second] = await Promise.all([refund(orderId, 6), refund(orderId, 5)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ statusCode: 400, message: ["amount must not exceed the refundable amount"] });
    await h.sandbox.idle();
    expect(refundCallbacks().map((c) => [c.status, c.amount])).toEqual([["PARTIALLY_REFUNDED", 6]]);
    expect((await refund(orderId, 4)).status).toBe(200);
  });

  it("answers 409 Conflict error for an order that is not COMPLETED or PARTIALLY_REFUNDED", async () => {
    const created = await createOrder(h);
    const rejected = await paidOrder({ dict_key: PIX_TEST_KEYS.rejected });
    const refunded = await paidOrder();
    await refund(refunded, 10);
    await h.sandbox.idle();
    for (const orderId of [created, rejected, refunded]) {
      const response = await refund(orderId, 1);
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    }
  });

  it("answers 404 with the documented receipt body for an unknown order", async () => {
    const response = await refund("cd17fff7-ed31-47b7-948f-9fdec0cda9ce", 1);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      eventId: "2105",
      details: "The receipt does not exist",
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      errors: [{ code: "2105", title: "Receipt not found.", detail: "No receipt found for the id: cd17fff7-ed31-47b7-948f-9fdec0cda9ce" }],
    });
  });

  it("validates the amount in the NestJS style, its decimals against the order's currency", async () => {
    const orderId = await paidOrder();
    const cases: [unknown, string][] = [
      [undefined, "amount should not be empty"],
      ["5", "amount must be a number conforming to the specified constraints"],
      [0, "amount must be a positive number"],
      [-1, "amount must be a positive number"],
      [1.005, "amount must not have more than 2 decimal places"],
    ];
    for (const [amount, message] of cases) {
      const response = await refund(orderId, amount);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, message: [message] });
    }
    expect(refundCallbacks()).toEqual([]);
  });

  it("requires an idempotency-key", async () => {
    const orderId = await paidOrder();
    const response = await h.post(refundPath(orderId), { amount: 1 });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["idempotency-key should not be empty"] });
    await h.sandbox.idle();
    expect(refundCallbacks()).toEqual([]);
  });

  it("replays the first answer for the same key and body without a second refund; 409 for the same key with another body", async () => {
    const orderId = await paidOrder();
    const first = await refund(orderId, 3, "r-1");
    const replay = await refund(orderId, 3.0, "r-1");
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await first.json());
    const other = await refund(orderId, 4, "r-1");
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    await h.sandbox.idle();
    expect(refundCallbacks().map((c) => c.amount)).toEqual([3]);
    expect(h.sandbox.orders.get(orderId)?.calls.refund).toEqual({ requests: 3, effects: 1, replays: 1, idempotencyConflicts: 1 });
    expect(h.sandbox.orders.get(orderId)?.order.refunds).toEqual([
      { id: expect.any(String), amount: "3", state: "done", requestedAt: expect.any(String), settledAt: expect.any(String) },
    ]);
  });

  it("treats the same key and body on another order as another refund (keys name a request to one order)", async () => {
    const a = await paidOrder();
    const b = await paidOrder();
    expect((await refund(a, 2, "shared")).status).toBe(200);
    const onB = await refund(b, 2, "shared");
    expect(onB.status).toBe(200);
    expect(onB.headers.get("idempotent-replayed")).toBeNull();
    await h.sandbox.idle();
    expect(refundCallbacks().map((c) => c.order_id)).toEqual([a, b]);
  });

  it("refunds in the order's local currency: PEN for a Peru order, ARS for an Argentine QR", async () => {
    const { orderId: peru } = await previewOrder(h, PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.cci, { amount: 50 }));
    await payAndSettle(h, peru);
    await refund(peru, 50);
    await h.sandbox.idle();
    expect(refundCallbacks().at(-1)).toMatchObject({ order_id: peru, status: "REFUNDED", amount: 50, currency: "PEN" });

    const { orderId: qr } = await createQrOrder(h, QR_TEST_CODES.closed);
    await payAndSettle(h, qr);
    await refund(qr, 0.5);
    await h.sandbox.idle();
    expect(refundCallbacks().at(-1)).toMatchObject({ order_id: qr, status: "PARTIALLY_REFUNDED", amount: 0.5, currency: "BRL" });
  });
});
