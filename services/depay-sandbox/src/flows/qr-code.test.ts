import { afterEach, describe, expect, it } from "vitest";
import { FAILED_ERROR_CODE, PIX_TEST_KEYS, REJECTED_ERROR_CODE } from "../dict-key/dict-directory.js";
import { encodeMerchantQr, type QrField } from "../qr/merchant-qr.js";
import { QR_TEST_CODES } from "../qr/qr-test-codes.js";
import { createQrOrder, DEPAY_DOC_QR_EXAMPLE, parseJsonBody, qrPreviewBody, startHarness, type Harness } from "../testing/sandbox-harness.js";

const PREVIEW = "/v2/payments/previews";
const PAY = "/v2/payments";
const QR_FORMAT_ERROR = "qr invalid format. must be an EMVCo merchant-presented QR code";
const EXTERNAL_REFERENCE = "e8a7a740-6f47-11ec-90d6-0242ac120003";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const user = (currency: string) => ({ full_name: "Juan Pedro", currency, account_number: "234200234", tax_id: "20125548964" });

function payBody(orderId: string, status: "accepted" | "rejected" = "accepted") {
  return { order_id: orderId, status, notification_url: `${h.receiver.url}/payments` };
}

/** Callback bodies received so far, in order. */
function callbacks(): Record<string, unknown>[] {
  return h.receiver.received.map((r) => parseJsonBody(r.body));
}

async function status(orderId: string): Promise<Record<string, unknown>> {
  return parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
}

/** A code built from readable parts, for the cases the test codes do not cover. */
function code(overrides: { country?: string; currency?: string; amount?: string; initiation?: string; account?: QrField }): string {
  const fields: QrField[] = [
    ["00", "01"],
    ["01", overrides.initiation ?? "11"],
    overrides.account ?? ["26", [["00", "br.gov.bcb.pix"], ["01", "recebedor@example.com.br"]]],
    ["52", "5411"],
    ["53", overrides.currency ?? "986"],
  ];
  if (overrides.amount !== undefined) fields.push(["54", overrides.amount]);
  fields.push(["58", overrides.country ?? "BR"], ["59", "RIEL VARIANTE"], ["60", "CIUDAD"]);
  return encodeMerchantQr(fields);
}

const coelsa = (cvu: string): QrField => ["43", [["00", "ar.com.coelsa"], ["01", cvu]]];
const PROCESS_LATER_CVU = "0000532607300067079179";

describe("POST /v2/payments/previews, closed amount", () => {
  it("answers success, then posts the nested-order preview with the QR's amount and the converted one", async () => {
    h = await startHarness();
    const response = await h.post(PREVIEW, qrPreviewBody(h.receiver.url, QR_TEST_CODES.closed));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "success",
      external_reference: EXTERNAL_REFERENCE,
      message: "Preview is being processed.",
      local_currency: "BRL",
    });
    const [received] = await h.receiver.waitFor(1);
    expect(received?.target).toBe("/previews");
    // 10.50 BRL * 233.9086 = 2456.0403 ARS, written as exact JSON numbers.
    expect(received?.body).toContain('"local_total_amount":10.5,');
    expect(received?.body).toContain('"user_total_amount":2456.0403,');
    const body = parseJsonBody(received?.body ?? "");
    const order = body.order as { id: string };
    expect(Object.keys(body)).toEqual(["payment_type", "external_reference", "collector", "order", "qr_type", "version"]);
    expect(body).toEqual({
      payment_type: "QR_CODE",
      external_reference: EXTERNAL_REFERENCE,
      collector: { name: "RIEL RESTAURANTE", identification_number: expect.stringMatching(/^\d{11}$/), branch_office: "" },
      order: { id: order.id, status: "CREATED", local_total_amount: 10.5, local_currency: "BRL", user_total_amount: 2456.0403, user_currency: "ARS" },
      qr_type: "closed_amount",
      version: "2.0",
    });
    expect(h.sandbox.orders.get(order.id)?.order).toMatchObject({ status: "CREATED", paymentType: "QR_CODE", qrType: "closed_amount", localAmount: "10.5" });
  });

  it("pays to COMPLETED with the documented status callbacks, merchant from the code", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.closed, { user: user("BRL") });
    const response = await h.post(PAY, payBody(orderId));
    expect(await response.json()).toEqual({ status: "PROCESSING", message: "Payment in process" });
    await h.sandbox.idle();
    const [, processing, completed] = callbacks();
    const common = {
      order_id: orderId,
      external_reference: EXTERNAL_REFERENCE,
      external_reference_id: EXTERNAL_REFERENCE,
      merchant_identification_number: expect.stringMatching(/^\d{11}$/),
      merchant_name: "RIEL RESTAURANTE",
      error_code: null,
    };
    expect(processing).toEqual({ ...common, status: "PROCESSING", date: expect.any(String), payment_date: null });
    expect(completed).toEqual({ ...common, status: "COMPLETED", date: expect.any(String), payment_date: expect.stringMatching(/Z$/) });
    expect(h.receiver.received.slice(1).map((r) => r.target)).toEqual(["/payments", "/payments"]);
    expect((await status(orderId)).status).toBe("COMPLETED");
  });

  it.each([
    ["REJECTED", QR_TEST_CODES.rejected, REJECTED_ERROR_CODE, PIX_TEST_KEYS.rejected, "RIEL MERCADO"],
    ["FAILED", QR_TEST_CODES.failed, FAILED_ERROR_CODE, PIX_TEST_KEYS.failed, "RIEL PADARIA"],
  ])("ends %s after pay for its test code", async (final, qr, errorCode, cpf, merchantName) => {
    h = await startHarness();
    const { orderId, callback } = await createQrOrder(h, qr, { user: user("BRL") });
    expect(callback.collector).toEqual({ name: merchantName, identification_number: cpf, branch_office: "" });
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(callbacks().slice(1).map((c) => [c.status, c.error_code, c.payment_date, c.merchant_identification_number, c.merchant_name])).toEqual([
      ["PROCESSING", null, null, cpf, merchantName],
      [final, errorCode, null, cpf, merchantName],
    ]);
    expect(h.sandbox.orders.get(orderId)?.order).toMatchObject({ status: final, errorCode });
  });

  it("sends no callback after the pay request for a Pix code whose key is PIX_TEST_KEYS.silent; the status query tells the outcome", async () => {
    h = await startHarness();
    const silent = code({ amount: "12.00", account: ["26", [["00", "br.gov.bcb.pix"], ["01", PIX_TEST_KEYS.silent]]] });
    const { orderId } = await createQrOrder(h, silent);
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(1);
    expect(await status(orderId)).toMatchObject({ status: "COMPLETED", local_amount: "12.0000" });
  });

  it("cancels when the user rejects the preview", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.closed);
    expect(await (await h.post(PAY, payBody(orderId, "rejected"))).json()).toEqual({ status: "CANCELED", message: "Payment canceled" });
    await h.sandbox.idle();
    expect(callbacks().slice(1).map((c) => [c.status, c.error_code])).toEqual([["CANCELED", "Rejected by user"]]);
  });

  it("answers the status query with four-decimal strings and statuses[] in the second date format", async () => {
    let now = Date.parse("2024-11-01T20:01:30.948Z");
    h = await startHarness({ now: () => new Date(now) });
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.closed);
    now += 19_619;
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(await status(orderId)).toEqual({
      id: orderId,
      status: "COMPLETED",
      creation_date: "2024-11-01T20:01:30.948Z",
      update_date: "2024-11-01T20:01:50.567Z",
      local_amount: "10.5000",
      local_currency: "BRL",
      user_amount: "2456.0403",
      user_currency: "ARS",
      external_reference: EXTERNAL_REFERENCE,
      merchant_identification_number: expect.stringMatching(/^\d{11}$/),
      merchant_name: "RIEL RESTAURANTE",
      statuses: [
        { status: "CREATED", created_at: "2024-11-01 20:01:30.948000" },
        { status: "PROCESSING", created_at: "2024-11-01 20:01:50.567000" },
        { status: "COMPLETED", created_at: "2024-11-01 20:01:50.567000" },
      ],
    });
  });
});

describe("open amount: WAITING_AMOUNT, then PUT /v2/payments/previews", () => {
  it("answers missing_amount and posts the flat WAITING_AMOUNT callback", async () => {
    h = await startHarness();
    const response = await h.post(PREVIEW, qrPreviewBody(h.receiver.url, QR_TEST_CODES.open, { user: user("USD") }));
    expect(await response.json()).toEqual({
      status: "missing_amount",
      external_reference: EXTERNAL_REFERENCE,
      message: "Preview is being processed.",
      local_currency: "PEN",
    });
    const [received] = await h.receiver.waitFor(1);
    const body = parseJsonBody(received?.body ?? "");
    expect(Object.keys(body)).toEqual(["order_id", "order_status", "local_currency", "status", "external_reference", "collector"]);
    expect(body).toEqual({
      order_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      order_status: "WAITING_AMOUNT",
      local_currency: "PEN",
      status: "OK",
      external_reference: EXTERNAL_REFERENCE,
      collector: { name: "BODEGA RIEL", identification_number: expect.stringMatching(/^\d{11}$/), branch_office: "" },
    });
    const orderStatus = await status(body.order_id as string);
    expect(orderStatus).toMatchObject({ status: "WAITING_AMOUNT", local_amount: null, local_currency: "PEN", user_amount: null, user_currency: "USD" });
  });

  it("takes the payer's amount, posts the open_amount preview, and pays to COMPLETED", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.open, { user: user("USD") });
    const response = await h.put(PREVIEW, { order_id: orderId, amount: 50 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", message: "Preview is being processed." });
    const all = await h.receiver.waitFor(2);
    // 50 PEN * 0.18 / 0.67 = 13.43283... USD
    expect(all[1]?.body).toContain('"user_total_amount":13.4328,');
    expect(parseJsonBody(all[1]?.body ?? "")).toEqual({
      payment_type: "QR_CODE",
      external_reference: EXTERNAL_REFERENCE,
      collector: { name: "BODEGA RIEL", identification_number: expect.stringMatching(/^\d{11}$/), branch_office: "" },
      order: { id: orderId, status: "CREATED", local_total_amount: 50, local_currency: "PEN", user_total_amount: 13.4328, user_currency: "USD" },
      qr_type: "open_amount",
      version: "2.0",
    });
    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(callbacks().slice(2).map((c) => c.status)).toEqual(["PROCESSING", "COMPLETED"]);
    const final = await status(orderId);
    expect(final).toMatchObject({ local_amount: "50.0000", user_amount: "13.4328" });
    expect((final.statuses as { status: string }[]).map((s) => s.status)).toEqual(["WAITING_AMOUNT", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(h.sandbox.orders.get(orderId)?.calls["preview-qr-amount"]).toEqual({ requests: 1, effects: 1, replays: 0, idempotencyConflicts: 0 });
  });

  it("refuses to pay, or to reject, before the amount is known", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.open);
    for (const decision of ["accepted", "rejected"] as const) {
      const response = await h.post(PAY, payBody(orderId, decision));
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    }
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("WAITING_AMOUNT");
  });

  it("answers 409 Order is not WAITING_AMOUNT for a closed-amount order, and changes nothing", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.closed);
    const response = await h.put(PREVIEW, { order_id: orderId, amount: 20 });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ statusCode: 409, message: "Order is not WAITING_AMOUNT" });
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(1);
    expect(h.sandbox.orders.get(orderId)?.order.localAmount).toBe("10.5");
  });

  it("answers 409 for a PROCESS_LATER order: its amount comes from the merchant", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.processLater);
    const response = await h.put(PREVIEW, { order_id: orderId, amount: 20 });
    expect(await response.json()).toEqual({ statusCode: 409, message: "Order is not WAITING_AMOUNT" });
  });

  it("answers the receipt 404 for an unknown order", async () => {
    h = await startHarness();
    const response = await h.put(PREVIEW, { order_id: "cd17fff7-ed31-47b7-948f-9fdec0cda9ce", amount: 20 });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { eventId: string }).eventId).toBe("2105");
  });

  it.each([
    ["three decimals for PEN", QR_TEST_CODES.open, 10.125, "amount must not have more than 2 decimal places"],
    ["decimals for CLP, which has none", code({ country: "CL", currency: "152", account: ["26", [["00", "cl.example.pago"], ["01", "76123456"]]] }), 1500.5, "amount must be an integer number"],
  ])("refuses an amount with %s", async (_what, qr, amount, message) => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, qr);
    const response = await h.put(PREVIEW, { order_id: orderId, amount });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: [message] });
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("WAITING_AMOUNT");
  });

  it("validates the PUT body in the NestJS style", async () => {
    h = await startHarness();
    const response = await h.put(PREVIEW, { amount: "10" });
    expect(await response.json()).toEqual({
      statusCode: 400,
      message: ["order_id should not be empty", "amount must be a number conforming to the specified constraints"],
    });
    const negative = await h.put(PREVIEW, { order_id: "x", amount: -1 });
    expect(await negative.json()).toEqual({ statusCode: 400, message: ["amount must be a positive number"] });
  });

  it("has one effect for a repeated idempotency key; 409 Conflict error for the same key with another amount", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.open);
    const headers = { "idempotency-key": "amount-1" };
    const first = await h.put(PREVIEW, { order_id: orderId, amount: 50 }, headers);
    const replay = await h.put(PREVIEW, { order_id: orderId, amount: 50.0 }, headers);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await first.json());
    const other = await h.put(PREVIEW, { order_id: orderId, amount: 60 }, headers);
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    // Without the key, a second amount is refused by the order's state.
    const again = await h.put(PREVIEW, { order_id: orderId, amount: 60 });
    expect(await again.json()).toEqual({ statusCode: 409, message: "Order is not WAITING_AMOUNT" });
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(2);
    expect(h.sandbox.orders.get(orderId)?.calls["preview-qr-amount"]).toEqual({ requests: 4, effects: 1, replays: 1, idempotencyConflicts: 1 });
  });
});

describe("Argentina PROCESS_LATER", () => {
  it("posts the flat PROCESS_LATER callback, then the closed_amount preview once the merchant enters the amount", async () => {
    h = await startHarness();
    const response = await h.post(PREVIEW, qrPreviewBody(h.receiver.url, QR_TEST_CODES.processLater));
    expect(await response.json()).toMatchObject({ status: "missing_amount", local_currency: "ARS" });
    const [first] = await h.receiver.waitFor(1);
    const flat = parseJsonBody(first?.body ?? "");
    expect(flat).toEqual({
      order_id: expect.any(String),
      order_status: "PROCESS_LATER",
      local_currency: "ARS",
      status: "OK",
      external_reference: EXTERNAL_REFERENCE,
      collector: { name: "KIOSCO RIEL", identification_number: "30707101020", branch_office: "" },
    });
    const orderId = flat.order_id as string;

    const entered = await h.sandbox.app.request(`/__sandbox/orders/${orderId}/merchant-amount`, { method: "POST", body: '{"amount":1500.50}' });
    expect(entered.status).toBe(200);
    expect(((await entered.json()) as { order: { status: string; localAmount: string } }).order).toMatchObject({ status: "CREATED", localAmount: "1500.5" });
    const all = await h.receiver.waitFor(2);
    expect(parseJsonBody(all[1]?.body ?? "")).toEqual({
      payment_type: "QR_CODE",
      external_reference: EXTERNAL_REFERENCE,
      collector: { name: "KIOSCO RIEL", identification_number: "30707101020", branch_office: "" },
      order: { id: orderId, status: "CREATED", local_total_amount: 1500.5, local_currency: "ARS", user_total_amount: 1500.5, user_currency: "ARS" },
      qr_type: "closed_amount",
      version: "2.0",
    });

    await h.post(PAY, payBody(orderId));
    await h.sandbox.idle();
    expect(callbacks().slice(2).map((c) => [c.status, c.merchant_identification_number])).toEqual([
      ["PROCESSING", "30707101020"],
      ["COMPLETED", "30707101020"],
    ]);
    expect(((await status(orderId)).statuses as { status: string }[]).map((s) => s.status)).toEqual(["PROCESS_LATER", "CREATED", "PROCESSING", "COMPLETED"]);
  });

  it.each([
    ["another Argentine merchant's static code", code({ country: "AR", currency: "032", account: coelsa("0000003100099999999993") })],
    ["the same merchant's dynamic code", code({ country: "AR", currency: "032", initiation: "12", account: coelsa(PROCESS_LATER_CVU) })],
    ["the same account in a code that is not Argentine", code({ country: "UY", currency: "032", account: coelsa(PROCESS_LATER_CVU) })],
  ])("is WAITING_AMOUNT, not PROCESS_LATER, for %s", async (_what, qr) => {
    h = await startHarness();
    const { callback } = await createQrOrder(h, qr);
    expect(callback.order_status).toBe("WAITING_AMOUNT");
  });

  it("answers the admin route's errors: bad amount, order not PROCESS_LATER, unknown order", async () => {
    h = await startHarness();
    const admin = (id: string, body: string) => h.sandbox.app.request(`/__sandbox/orders/${id}/merchant-amount`, { method: "POST", body });
    const later = await createQrOrder(h, QR_TEST_CODES.processLater);
    const tooPrecise = await admin(later.orderId, '{"amount":10.001}');
    expect(tooPrecise.status).toBe(400);
    expect(await tooPrecise.json()).toEqual({ statusCode: 400, message: "amount must not have more than 2 decimal places" });
    expect(await (await admin(later.orderId, '{"amount":"10"}')).json()).toEqual({
      statusCode: 400,
      message: "amount must be a number conforming to the specified constraints",
    });
    const open = await createQrOrder(h, QR_TEST_CODES.open);
    const wrong = await admin(open.orderId, '{"amount":10}');
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toEqual({ statusCode: 409, message: "order is WAITING_AMOUNT, not PROCESS_LATER" });
    expect((await admin("nope", '{"amount":10}')).status).toBe(404);
  });
});

describe("expiry", () => {
  it.each([
    ["closed amount (CREATED)", QR_TEST_CODES.closed, "CREATED"],
    ["open amount (WAITING_AMOUNT)", QR_TEST_CODES.open, "WAITING_AMOUNT"],
    ["process later (PROCESS_LATER)", QR_TEST_CODES.processLater, "PROCESS_LATER"],
  ])("ends an unpaid %s preview CANCELED with error_code Order expired, sent to the preview's URL", async (_what, qr, firstStatus) => {
    h = await startHarness({ previewTtlMs: 5 });
    const { orderId } = await createQrOrder(h, qr);
    const all = await h.receiver.waitFor(2);
    await h.sandbox.idle();
    expect(all[1]?.target).toBe("/previews");
    const canceled = parseJsonBody(all[1]?.body ?? "");
    expect(Object.keys(canceled)).toEqual([
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
    expect(canceled).toMatchObject({ order_id: orderId, status: "CANCELED", payment_date: null, error_code: "Order expired" });
    expect(((await status(orderId)).statuses as { status: string }[]).map((s) => s.status)).toEqual([firstStatus, "CANCELED"]);

    const pay = await h.post(PAY, payBody(orderId));
    expect(pay.status).toBe(409);
    expect(await pay.json()).toEqual({ statusCode: 409, message: "Order expired" });
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(2);
  });

  it("expires Pix DICT previews too", async () => {
    h = await startHarness({ previewTtlMs: 5 });
    const response = await h.post("/v2/payments/previews/dictkey", {
      dict_key: "39053344705",
      amount: 10,
      external_reference: "dict-1",
      notification_url: `${h.receiver.url}/previews`,
      user: user("BRL"),
    });
    expect(response.status).toBe(200);
    const all = await h.receiver.waitFor(2);
    expect(parseJsonBody(all[1]?.body ?? "")).toMatchObject({ status: "CANCELED", error_code: "Order expired", external_reference: "dict-1" });
  });

  it("goes by the sandbox clock when a request comes before the timer: pay, PUT and merchant amount answer Order expired", async () => {
    let now = Date.parse("2025-05-30T11:14:25.115Z");
    h = await startHarness({ now: () => new Date(now), previewTtlMs: 60_000 });
    const closed = await createQrOrder(h, QR_TEST_CODES.closed);
    const open = await createQrOrder(h, QR_TEST_CODES.open);
    const later = await createQrOrder(h, QR_TEST_CODES.processLater);
    now += 59_999;
    expect((await status(closed.orderId)).status).toBe("CREATED");
    now += 1;

    const pay = await h.post(PAY, payBody(closed.orderId), { "idempotency-key": "late-pay" });
    expect(pay.status).toBe(409);
    expect(await pay.json()).toEqual({ statusCode: 409, message: "Order expired" });
    const replay = await h.post(PAY, payBody(closed.orderId), { "idempotency-key": "late-pay" });
    expect(await replay.json()).toEqual({ statusCode: 409, message: "Order expired" });
    const put = await h.put(PREVIEW, { order_id: open.orderId, amount: 10 });
    expect(await put.json()).toEqual({ statusCode: 409, message: "Order expired" });
    const merchant = await h.sandbox.app.request(`/__sandbox/orders/${later.orderId}/merchant-amount`, { method: "POST", body: '{"amount":10}' });
    expect(await merchant.json()).toEqual({ statusCode: 409, message: "Order expired" });

    await h.sandbox.idle();
    // Each order's callbacks are in order; different orders' may interleave.
    const expired = callbacks().filter((c) => c.status === "CANCELED");
    expect(expired.map((c) => [c.order_id, c.error_code, c.date])).toHaveLength(3);
    expect(expired.map((c) => [c.order_id, c.error_code, c.date])).toEqual(
      expect.arrayContaining([
        [closed.orderId, "Order expired", "2025-05-30T11:15:25.115Z"],
        [open.orderId, "Order expired", "2025-05-30T11:15:25.115Z"],
        [later.orderId, "Order expired", "2025-05-30T11:15:25.115Z"],
      ]),
    );
  });

  it("restarts the deadline when an order gets its amount, and stops it once paid", async () => {
    let now = Date.parse("2025-05-30T11:14:25.115Z");
    h = await startHarness({ now: () => new Date(now), previewTtlMs: 60_000 });
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.open);
    now += 50_000;
    await h.put(PREVIEW, { order_id: orderId, amount: 10 });
    now += 50_000;
    expect((await h.post(PAY, payBody(orderId))).status).toBe(200);
    now += 3_600_000;
    await h.sandbox.idle();
    expect(await status(orderId)).toMatchObject({ status: "COMPLETED" });
    expect(h.sandbox.orders.get(orderId)?.order.expiresAt).toBeNull();
  });

  it("expires an order at once through the admin route, and only a preview", async () => {
    h = await startHarness();
    const { orderId } = await createQrOrder(h, QR_TEST_CODES.closed);
    const expire = () => h.sandbox.app.request(`/__sandbox/orders/${orderId}/expire`, { method: "POST" });
    const first = await expire();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { order: { status: string; errorCode: string } }).order).toMatchObject({ status: "CANCELED", errorCode: "Order expired" });
    const second = await expire();
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ statusCode: 409, message: "order is CANCELED; only CREATED, WAITING_AMOUNT and PROCESS_LATER orders expire" });
    expect((await h.sandbox.app.request("/__sandbox/orders/nope/expire", { method: "POST" })).status).toBe(404);
    await h.sandbox.idle();
    expect(callbacks().map((c) => c.status ?? (c.order as { status: string }).status)).toEqual(["CREATED", "CANCELED"]);
  });
});

describe("codes the sandbox cannot use", () => {
  it.each([
    ["not a QR code", "hello"],
    ["Depay's document example (broken framing and CRC)", DEPAY_DOC_QR_EXAMPLE],
    ["a wrong CRC", `${QR_TEST_CODES.closed.slice(0, -4)}0000`],
    ["a code altered after its CRC was computed", QR_TEST_CODES.closed.replace("RIEL RESTAURANTE", "EVIL RESTAURANTE")],
  ])("answers 400 with the format message for %s, and creates nothing", async (_what, qr) => {
    h = await startHarness();
    const response = await h.post(PREVIEW, qrPreviewBody(h.receiver.url, qr));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: [QR_FORMAT_ERROR] });
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toEqual([]);
    expect(h.receiver.received).toEqual([]);
  });

  it.each([
    ["a currency the sandbox does not quote (EUR)", code({ currency: "978", amount: "10.00" })],
    ["an amount finer than the currency's minor units", code({ amount: "10.505" })],
    ["a Pix key unknown to DICT", code({ amount: "10.00", account: ["26", [["00", "br.gov.bcb.pix"], ["01", PIX_TEST_KEYS.notRegistered]]] })],
  ])("answers 400 INVALID_QR for %s", async (_what, qr) => {
    h = await startHarness();
    const response = await h.post(PREVIEW, qrPreviewBody(h.receiver.url, qr));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["INVALID_QR"] });
    expect(h.sandbox.orders.list()).toEqual([]);
  });

  it("lists every broken field rule in the NestJS style", async () => {
    h = await startHarness();
    const response = await h.post(PREVIEW, {
      qr: 42,
      external_reference: "",
      notification_url: "not a url",
      user: { full_name: "A", currency: "JPY", account_number: "1" },
    });
    expect(await response.json()).toEqual({
      statusCode: 400,
      message: [
        "qr must be a string",
        "external_reference should not be empty",
        "notification_url must be a URL address",
        expect.stringMatching(/^user\.currency must be one of the following values: /),
        "user.tax_id should not be empty",
      ],
    });
  });
});

describe("idempotency and auth", () => {
  it("makes one order and one callback for a repeated key; 409 for the same key with another body", async () => {
    h = await startHarness();
    const body = qrPreviewBody(h.receiver.url, QR_TEST_CODES.closed);
    const headers = { "idempotency-key": "qr-preview-1" };
    const first = await h.post(PREVIEW, body, headers);
    const again = await h.post(PREVIEW, body, headers);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const other = await h.post(PREVIEW, { ...body, qr: QR_TEST_CODES.open }, headers);
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toHaveLength(1);
    expect(h.receiver.received).toHaveLength(1);
    expect(h.sandbox.calls().endpoints["preview-qr"]).toMatchObject({ requests: 3, effects: 1, replays: 1, idempotencyConflicts: 1 });
  });

  it("makes one order when the same key arrives concurrently", async () => {
    h = await startHarness();
    const body = qrPreviewBody(h.receiver.url, QR_TEST_CODES.open);
    const responses = await Promise.all(Array.from({ length: 5 }, () => h.post(PREVIEW, body, { "idempotency-key": "same" })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toHaveLength(1);
    expect(h.receiver.received).toHaveLength(1);
  });

  it("answers 401 without the bearer token on both methods", async () => {
    h = await startHarness();
    for (const method of ["POST", "PUT"]) {
      const response = await h.sandbox.app.request(PREVIEW, { method, body: "{}" });
      expect(response.status).toBe(401);
    }
  });
});
