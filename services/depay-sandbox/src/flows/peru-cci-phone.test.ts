import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REJECTED_ERROR_CODE } from "../dict-key/dict-directory.js";
import { PERU_TEST_KEYS } from "../dict-key/peru-directory.js";
import {
  createOrder,
  parseJsonBody,
  payAndSettle,
  PERU_PREVIEW,
  peruPreviewBody,
  previewOrder,
  startHarness,
  type Harness,
} from "../testing/sandbox-harness.js";

const FORMAT_ERROR = "dict_key invalid format. must be one of: CPF, CNPJ, Email, Phone Number, UUID";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface WalletBody {
  id: string;
  brand: string;
  mobile: string;
  present: boolean;
  directory: string;
  participant_code: string;
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const peruOrder = (key: string, overrides: Record<string, unknown> = {}) => previewOrder(h, PERU_PREVIEW, peruPreviewBody(h.receiver.url, key, overrides));

function paymentStatuses(): unknown[] {
  return h.receiver.received.filter((r) => r.target === "/payments").map((r) => parseJsonBody(r.body).status);
}

describe("POST /v2/payments/previews/dictkey/peru", () => {
  it("answers success in PEN, then posts the nested DICT_KEY preview without wallets for a CCI", async () => {
    const response = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.cci, { user: { full_name: "Rosa Quispe", currency: "USD", account_number: "1", tax_id: "20123456789", tax_id_type: "RUC" } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", external_reference: "pe-ref-1", message: "Preview is being processed.", local_currency: "PEN" });
    const [received] = await h.receiver.waitFor(1);
    const body = parseJsonBody(received?.body ?? "");
    const order = body.order as { id: string };
    expect(Object.keys(body)).toEqual(["payment_type", "external_reference", "collector", "order", "version"]);
    expect(body).toEqual({
      payment_type: "DICT_KEY",
      external_reference: "pe-ref-1",
      collector: { name: expect.stringMatching(/^SANDBOX RECIPIENT [0-9A-F]{4}$/), identification_number: expect.stringMatching(/^20\d{9}$/), branch_office: "" },
      // 50 PEN * 0.18 / 0.67 = 13.432835... USD
      order: { id: order.id, status: "CREATED", local_total_amount: 50, local_currency: "PEN", user_total_amount: 13.4328, user_currency: "USD" },
      version: "2.0",
    });
    expect(order.id).toMatch(UUID_V4);
  });

  it("offers two wallets for a phone key, at the top level before the version, the same for every order of that phone", async () => {
    const first = await peruOrder(PERU_TEST_KEYS.phone);
    expect(Object.keys(first.callback)).toEqual(["payment_type", "external_reference", "collector", "order", "wallets", "version"]);
    expect(first.callback.order).toMatchObject({ local_currency: "PEN", local_total_amount: 50 });
    const wallets = first.callback.wallets as WalletBody[];
    expect(wallets).toEqual([
      { id: expect.stringMatching(UUID_V4), brand: "Yape", mobile: PERU_TEST_KEYS.phone, present: true, directory: "YAPE", participant_code: "0002" },
      { id: expect.stringMatching(UUID_V4), brand: "Plin", mobile: PERU_TEST_KEYS.phone, present: false, directory: "PLIN", participant_code: "0003" },
    ]);
    // Stable across runs, as the README lists them.
    expect(wallets.map((w) => w.id)).toEqual(["642b335a-6a76-4978-8f29-ac8c80372f23", "09d9470f-bdce-42fa-aad0-bf02dc6f0525"]);
    const second = await peruOrder(PERU_TEST_KEYS.phone);
    expect(second.orderId).not.toBe(first.orderId);
    expect(second.callback.wallets).toEqual(wallets);
    expect(h.sandbox.orders.get(first.orderId)?.order.wallets?.map((w) => w.id)).toEqual(wallets.map((w) => w.id));
  });

  it.each([
    ["a CCI with a wrong check digit", PERU_TEST_KEYS.cciWrongCheckDigit],
    ["a phone outside Peru", "+5511987654321"],
    ["a Peruvian landline-like number", "+51187654321"],
    ["a Brazilian CPF", "39053344705"],
  ])("answers the document's (Brazil-copied) format error for %s", async (_what, key) => {
    const response = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, key));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: [FORMAT_ERROR] });
  });

  it("answers INVALID_DICT_KEY and creates no order for a well-formed phone no one owns", async () => {
    const response = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.phoneNotRegistered));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["INVALID_DICT_KEY"] });
    await h.sandbox.idle();
    expect(h.receiver.received).toEqual([]);
    expect(h.sandbox.orders.list()).toEqual([]);
  });

  it("requires a Peruvian tax_id_type and a PEN amount with at most 2 decimals", async () => {
    const user = { full_name: "Rosa Quispe", currency: "PEN", account_number: "1", tax_id: "45678912" };
    const missing = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.cci, { user }));
    expect(await missing.json()).toEqual({ statusCode: 400, message: ["user.tax_id_type should not be empty"] });
    const argentine = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.cci, { amount: 10.123, user: { ...user, tax_id_type: "CUIT" } }));
    expect(await argentine.json()).toEqual({
      statusCode: 400,
      message: ["amount must not have more than 2 decimal places", "user.tax_id_type must be one of the following values: DNI, CE, RUC, PASSPORT"],
    });
    for (const type of ["DNI", "CE", "RUC", "PASSPORT"]) {
      const accepted = await h.post(PERU_PREVIEW, peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.cci, { user: { ...user, tax_id_type: type } }));
      expect(accepted.status).toBe(200);
    }
  });

  it("makes one order for a repeated idempotency key; 409 for the same key with another body", async () => {
    const body = peruPreviewBody(h.receiver.url, PERU_TEST_KEYS.phone);
    const headers = { "idempotency-key": "pe-preview-1" };
    expect((await h.post(PERU_PREVIEW, body, headers)).status).toBe(200);
    expect((await h.post(PERU_PREVIEW, body, headers)).headers.get("idempotent-replayed")).toBe("true");
    const other = await h.post(PERU_PREVIEW, { ...body, amount: 51 }, headers);
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toHaveLength(1);
  });
});

describe("paying a Peru order", () => {
  it("completes a CCI order without a wallet_id, and the status query shows PEN", async () => {
    const { orderId } = await peruOrder(PERU_TEST_KEYS.cci, { amount: 7 });
    const response = await payAndSettle(h, orderId);
    expect(await response.json()).toEqual({ status: "PROCESSING", message: "Payment in process" });
    expect(paymentStatuses()).toEqual(["PROCESSING", "COMPLETED"]);
    const status = parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
    expect(status).toMatchObject({ status: "COMPLETED", local_amount: "7.0000", local_currency: "PEN", user_amount: "7.0000", user_currency: "PEN" });
    expect(h.sandbox.orders.get(orderId)?.order.walletId).toBeNull();
  });

  it("ends REJECTED for the rejecting CCI", async () => {
    const { orderId } = await peruOrder(PERU_TEST_KEYS.cciRejected);
    await payAndSettle(h, orderId);
    const last = parseJsonBody(h.receiver.received.at(-1)?.body ?? "");
    expect(last).toMatchObject({ order_id: orderId, status: "REJECTED", error_code: REJECTED_ERROR_CODE, payment_date: null });
  });

  it("pays a phone order into the chosen wallet, recorded in the order report", async () => {
    const { orderId, callback } = await peruOrder(PERU_TEST_KEYS.phone);
    const plin = (callback.wallets as WalletBody[])[1];
    const response = await payAndSettle(h, orderId, { wallet_id: plin?.id });
    expect(response.status).toBe(200);
    expect(paymentStatuses()).toEqual(["PROCESSING", "COMPLETED"]);
    expect(h.sandbox.orders.get(orderId)?.order).toMatchObject({ status: "COMPLETED", walletId: plin?.id });
  });

  it("refuses an accepted phone payment without a wallet, or with one the preview did not offer, and changes nothing", async () => {
    const { orderId } = await peruOrder(PERU_TEST_KEYS.phone);
    const otherPhone = await peruOrder("+51912345678");
    const elsewhere = (otherPhone.callback.wallets as WalletBody[])[0]?.id;
    const cases: [Record<string, unknown>, string][] = [
      [{}, "wallet_id should not be empty"],
      [{ wallet_id: "" }, "wallet_id should not be empty"],
      [{ wallet_id: "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202" }, "wallet_id must be one of the wallets offered in the preview"],
      [{ wallet_id: elsewhere }, "wallet_id must be one of the wallets offered in the preview"],
    ];
    for (const [extra, message] of cases) {
      const response = await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/payments`, ...extra });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, message: [message] });
    }
    const notString = await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/payments`, wallet_id: 7 });
    expect(await notString.json()).toEqual({ statusCode: 400, message: ["wallet_id must be a string"] });
    await h.sandbox.idle();
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("CREATED");
    expect(paymentStatuses()).toEqual([]);
  });

  it("lets the user reject a phone order without naming a wallet", async () => {
    const { orderId } = await peruOrder(PERU_TEST_KEYS.phone);
    const response = await h.post("/v2/payments", { order_id: orderId, status: "rejected", notification_url: `${h.receiver.url}/payments` });
    expect(await response.json()).toEqual({ status: "CANCELED", message: "Payment canceled" });
    await h.sandbox.idle();
    expect(paymentStatuses()).toEqual(["CANCELED"]);
  });

  it.each([
    ["a Peru CCI order", async () => (await peruOrder(PERU_TEST_KEYS.cci)).orderId],
    ["a Pix order", async () => createOrder(h, { dict_key: "39053344705" })],
  ])("refuses a wallet_id for %s", async (_what, makeOrder) => {
    const orderId = await makeOrder();
    for (const walletId of ["8f27d7dc-aa2a-42a8-9f4c-7998dfef5202", ""]) {
      const response = await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/payments`, wallet_id: walletId });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, message: ["wallet_id is only accepted for Peru phone keys"] });
    }
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("CREATED");
  });

  it("answers 409 Conflict error, not a wallet error, for a phone order that is already paid", async () => {
    const { orderId, callback } = await peruOrder(PERU_TEST_KEYS.phone);
    const yape = (callback.wallets as WalletBody[])[0]?.id;
    await payAndSettle(h, orderId, { wallet_id: yape });
    const again = await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/payments` });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ statusCode: 409, message: "Conflict error" });
  });
});
