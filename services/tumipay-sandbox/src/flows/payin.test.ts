import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TUMIPAY_TEST_DATA } from "../test-data.js";
import { decodeQrPng } from "../testing/qr-decode.js";
import { AUTH, BASIC, createTransaction, payinBody, readCreated, startHarness, type Harness } from "../testing/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { emails } = TUMIPAY_TEST_DATA;

describe("POST /api/v1/payin: authentication", () => {
  it.each([
    ["no headers", { "token-top": "", authorization: "" }],
    ["a wrong Token-Top", { "token-top": "other" }],
    ["a wrong Basic credential", { authorization: `Basic ${Buffer.from("merchant:wrong").toString("base64")}` }],
    ["a Bearer token", { authorization: `Bearer ${BASIC}` }],
  ])("answers 401 for %s and creates nothing", async (_case, headers) => {
    const response = await h.payin(payinBody(h.receiver.url), headers);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Unauthorized" });
    expect(h.sandbox.calls().transactionsCreated).toBe(0);
  });

  it("accepts the scheme in any case", async () => {
    const response = await h.payin(payinBody(h.receiver.url), { authorization: `basic ${BASIC}` });
    expect(response.status).toBe(200);
  });
});

describe("POST /api/v1/payin: success", () => {
  it("answers the documented shape, echoing the request", async () => {
    const response = await h.payin(payinBody(h.receiver.url));
    expect(response.status).toBe(200);
    const answer = await readCreated(response);
    expect(answer).toEqual({
      code: "01",
      status: "SUCCESS",
      message: "Operacion exitosa",
      data: {
        ticket: expect.stringMatching(UUID),
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        payment_url: `http://localhost/payments/main?s=${answer.data.ticket}`,
        transaction: {
          reference: "13cNPNGbX7meiMppXzVz7g781ysektqq5X",
          amount: 150,
          currency: "PEN",
          payment_method: "ALL_METHODS",
          redirect_url: "https://your-domain.com/payment/success",
          ipn_url: `${h.receiver.url}/webhook`,
          description: "Test PayIn",
        },
      },
    });
    expect(Object.keys(answer.data)).toEqual(["ticket", "date", "payment_url", "transaction"]);
    expect(h.sandbox.transactions.get(answer.data.ticket)?.transaction.status).toBe("CREATED");
  });

  it("writes dates in Lima time (UTC-05:00)", async () => {
    await h.close();
    h = await startHarness({ now: () => new Date("2025-10-15T22:58:36.500Z") });
    const answer = await readCreated(await h.payin(payinBody(h.receiver.url)));
    expect(answer.data.date).toBe("2025-10-15 17:58:36");
  });

  it("echoes the amount exactly as sent, and null for a missing description", async () => {
    const text = JSON.stringify(payinBody(h.receiver.url, { description: undefined })).replace('"amount":150', '"amount":1.50');
    const response = await h.payinRaw(text);
    const raw = await response.text();
    expect(raw).toContain('"amount":1.50,');
    expect(raw).toContain('"description":null}');
  });

  it("reproduces the document's echo quirk (amount 5000) for the quirk email, keeping the real amount", async () => {
    const answer = await readCreated(await h.payin(payinBody(h.receiver.url, {}, { email: emails.amountQuirk })));
    expect(answer.data.transaction.amount).toBe(5000);
    expect(h.sandbox.transactions.get(answer.data.ticket)?.transaction.amount).toBe("150");
  });

  it("builds payment_url on the configured public URL", async () => {
    await h.close();
    h = await startHarness({ publicUrl: "https://pay.example/tumipay/" });
    const answer = await readCreated(await h.payin(payinBody(h.receiver.url)));
    expect(answer.data.payment_url).toBe(`https://pay.example/tumipay/payments/main?s=${answer.data.ticket}`);
  });

  it("returns a real PNG QR for payment_method QR, encoding TUMIPAY|PE|<ticket>|<amount>", async () => {
    const answer = await readCreated(await h.payin(payinBody(h.receiver.url, { payment_method: "QR", amount: 50 })));
    expect(Object.keys(answer.data)).toEqual(["ticket", "date", "payment_url", "qr_code_base_64", "transaction"]);
    const png = answer.data.qr_code_base_64 ?? "";
    expect(Buffer.from(png, "base64").subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(decodeQrPng(png)).toBe(`TUMIPAY|PE|${answer.data.ticket}|50.00`);
  });

  it("gives no QR for other methods", async () => {
    const answer = await readCreated(await h.payin(payinBody(h.receiver.url, { payment_method: "PAGOEFECTIVO" })));
    expect(answer.data.qr_code_base_64).toBeUndefined();
  });
});

describe("POST /api/v1/payin: validation", () => {
  it("answers 400 with the first rule as message and every rule in errors", async () => {
    const response = await h.payin(payinBody(h.receiver.url, { amount: 1.234, currency: "USD" }, { legal_doc: "123" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: "00",
      status: "ERROR",
      message: "amount: must have at most 2 decimals",
      errors: [
        { field: "amount", message: "must have at most 2 decimals" },
        { field: "currency", message: "must be PEN" },
        { field: "customer_data.legal_doc", message: "must be 8 digits for DNI" },
      ],
    });
    expect(h.sandbox.calls().transactionsCreated).toBe(0);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await h.payinRaw("{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "00", status: "ERROR", message: "body: must be a JSON object" });
  });
});

describe("POST /api/v1/payin: the same reference again", () => {
  it("answers the first answer for the same body and creates exactly one transaction", async () => {
    const body = payinBody(h.receiver.url, { reference: "retry-1" });
    const first = await (await h.payin(body)).text();
    // Same JSON value written differently: key order, whitespace, 150 vs 150.00.
    const reordered = JSON.stringify({ ...body, amount: 150 }, null, 2).replace('"amount": 150', '"amount": 150.00');
    const second = await (await h.payinRaw(reordered)).text();
    const third = await (await h.payin(body)).text();
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(h.sandbox.calls().references["retry-1"]).toEqual({ requests: 3, effects: 1, replays: 2, idempotencyConflicts: 0 });
    expect(h.sandbox.transactions.list()).toHaveLength(1);
  });

  it("creates once when identical creates arrive together", async () => {
    const body = payinBody(h.receiver.url, { reference: "burst", payment_method: "QR", amount: 20 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.payin(body).then((r) => r.text())));
    expect(new Set(answers).size).toBe(1);
    expect(h.sandbox.calls().references.burst).toMatchObject({ requests: 5, effects: 1, replays: 4 });
    expect(h.sandbox.calls().transactionsCreated).toBe(1);
  });

  it("answers 400 DUPLICATE_REFERENCE for another body and creates nothing", async () => {
    await createTransaction(h, { reference: "dup-1" });
    const response = await h.payin(payinBody(h.receiver.url, { reference: "dup-1", amount: 151 }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: "00",
      status: "ERROR",
      error: "DUPLICATE_REFERENCE",
      message: "La referencia ya fue usada con datos diferentes",
    });
    expect(h.sandbox.calls().references["dup-1"]).toEqual({ requests: 2, effects: 1, replays: 0, idempotencyConflicts: 1 });
  });

  it("replays even once the transaction is final", async () => {
    const body = payinBody(h.receiver.url, { reference: "final-1" }, { email: emails.paid });
    const first = await (await h.payin(body)).text();
    await h.sandbox.idle();
    expect(await (await h.payin(body)).text()).toBe(first);
    expect(h.sandbox.calls().transactionsCreated).toBe(1);
  });
});

describe("POST /api/v1/payin: TRANSACTION_IN_PROGRESS", () => {
  it("refuses another reference for the same email and amount while the first is active", async () => {
    await createTransaction(h, { reference: "a-1", amount: 80 });
    const response = await h.payin(payinBody(h.receiver.url, { reference: "a-2", amount: 80.0 }, { email: "JohnDoe@Email.com" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: "00",
      status: "ERROR",
      error: "TRANSACTION_IN_PROGRESS",
      message: "Ya existe una transacción activa para ese email/monto",
    });
    expect(h.sandbox.calls().transactionsCreated).toBe(1);
  });

  it("allows another amount, another email, or the same once the first is final", async () => {
    const ticket = await createTransaction(h, { reference: "b-1", amount: 80 });
    expect((await h.payin(payinBody(h.receiver.url, { reference: "b-2", amount: 81 }))).status).toBe(200);
    expect((await h.payin(payinBody(h.receiver.url, { reference: "b-3", amount: 80 }, { email: "other@email.com" }))).status).toBe(200);
    await h.request(`/__sandbox/transactions/${ticket}/expire`, { method: "POST" });
    expect((await h.payin(payinBody(h.receiver.url, { reference: "b-4", amount: 80 }))).status).toBe(200);
  });
});

describe("POST /api/v1/payin: QR limits and failures", () => {
  it("answers 422 QR_AMOUNT_LIMIT_EXCEEDED over S/ 500.00 and creates nothing", async () => {
    const response = await h.payin(payinBody(h.receiver.url, { payment_method: "QR", amount: 500.01 }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      code: "00",
      status: "ERROR",
      error: "QR_AMOUNT_LIMIT_EXCEEDED",
      message: "El monto supera el límite máximo permitido para QR en Perú (S/ 500.00)",
    });
    expect(h.sandbox.calls().transactionsCreated).toBe(0);
  });

  it("accepts exactly S/ 500 by QR, and more by other methods", async () => {
    expect((await h.payin(payinBody(h.receiver.url, { reference: "q-1", payment_method: "QR", amount: 500 }))).status).toBe(200);
    expect((await h.payin(payinBody(h.receiver.url, { reference: "q-2", payment_method: "BANK_TRANSFER", amount: 9000 }))).status).toBe(200);
  });

  it("qr-flaky: the first two creates answer HTTP 200 code 00 and create nothing, the third succeeds", async () => {
    const body = payinBody(h.receiver.url, { reference: "flaky-1", payment_method: "QR", amount: 25 }, { email: emails.qrFlaky });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await h.payin(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Error al generar el QR" });
      expect(h.sandbox.transactions.list()).toHaveLength(0);
    }
    const answer = await readCreated(await h.payin(body));
    expect(decodeQrPng(answer.data.qr_code_base_64 ?? "")).toBe(`TUMIPAY|PE|${answer.data.ticket}|25.00`);
    expect(h.sandbox.calls().references["flaky-1"]).toEqual({ requests: 3, effects: 1, replays: 0, idempotencyConflicts: 0 });
  });

  it("qr-broken: every create answers the QR error", async () => {
    const body = payinBody(h.receiver.url, { reference: "broken-1", payment_method: "QR", amount: 25 }, { email: emails.qrBroken });
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await (await h.payin(body)).json()).toEqual({ code: "00", status: "ERROR", message: "Error al generar el QR" });
    }
    expect(h.sandbox.calls().transactionsCreated).toBe(0);
  });

  it("the qr_error fault fails the next creates of one reference", async () => {
    const fault = await h.request("/__sandbox/faults", { method: "POST", body: JSON.stringify({ reference: "f-1", fault: "qr_error", times: 1 }) });
    expect(await fault.json()).toEqual({ reference: "f-1", faults: { slowAnswer: false, qrErrors: 1 } });
    const body = payinBody(h.receiver.url, { reference: "f-1", payment_method: "QR", amount: 10 });
    expect(await (await h.payin(body)).json()).toMatchObject({ code: "00", message: "Error al generar el QR" });
    expect(await readCreated(await h.payin(body))).toMatchObject({ code: "01" });
  });

  it("refuses a malformed fault", async () => {
    for (const body of [{ fault: "qr_error" }, { reference: "x", fault: "boom" }, { reference: "x", fault: "qr_error", times: 0 }]) {
      const response = await h.request("/__sandbox/faults", { method: "POST", body: JSON.stringify(body) });
      expect(response.status).toBe(400);
    }
  });
});

describe("unknown routes", () => {
  it("answer 404 in TumiPay's error shape (after authentication under /api/v1)", async () => {
    const response = await h.request("/api/v1/unknown", { headers: AUTH });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Not found" });
  });
});
