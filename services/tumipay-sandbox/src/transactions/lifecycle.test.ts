import type { PostJson } from "@riel/sandbox-kit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TUMIPAY_TEST_DATA } from "../test-data.js";
import { createTransaction, ipnBodies, payinBody, readCreated, startHarness, type Harness } from "../testing/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
});

const { emails } = TUMIPAY_TEST_DATA;
const statuses = (harness: Harness): unknown[] => ipnBodies(harness).map((b) => b.top_status);

describe("IPN", () => {
  it("posts the supplement's body to ipn_url on every status change, with the amount as sent", async () => {
    h = await startHarness();
    const text = JSON.stringify(payinBody(h.receiver.url, { reference: "ipn-1" }, { email: emails.paid })).replace('"amount":150', '"amount":150.50');
    const { data } = await readCreated(await h.payinRaw(text));
    await h.sandbox.idle();
    expect(h.receiver.received.map((r) => r.target)).toEqual(["/webhook", "/webhook"]);
    expect(h.receiver.received[0]?.body).toContain('"top_amount":150.50,');
    expect(h.receiver.received[0]?.headers["content-type"]).toBe("application/json");
    expect(ipnBodies(h)).toEqual([
      {
        top_status: "PENDING",
        top_ticket: data.ticket,
        top_reference: "ipn-1",
        top_amount: 150.5,
        top_currency: "PEN",
        top_payment_method: "ALL_METHODS",
        top_bank_name: "BANCO DE CREDITO DEL PERU",
        top_response_message: "Transacción en proceso",
        top_user: {
          legal_doc_type: "DNI",
          legal_doc: "12345678",
          phone_code: "51",
          phone_number: "987654321",
          email: emails.paid,
          full_name: "John Doe",
        },
        top_user_email: emails.paid,
        top_user_phone: "987654321",
        top_extra_params1: "",
      },
      expect.objectContaining({ top_status: "APPROVED", top_ticket: data.ticket, top_response_message: "Transacción exitosa" }),
    ]);
  });

  it("adds top_card for CARD payments", async () => {
    h = await startHarness();
    await createTransaction(h, { payment_method: "CARD" }, { email: emails.declined });
    await h.sandbox.idle();
    expect(statuses(h)).toEqual(["PENDING", "DECLINED"]);
    for (const body of ipnBodies(h)) {
      expect(body.top_card).toEqual({ bank: "INTERBANK", bin: "411111", country: "PE", lastFourDigits: "1111", type: "credit", brand: "VISA" });
      expect(Object.keys(body).indexOf("top_card")).toBe(Object.keys(body).indexOf("top_user") + 1);
    }
  });

  it.each([
    [emails.paid, ["PENDING", "APPROVED"]],
    [emails.rejected, ["PENDING", "REJECTED"]],
    [emails.declined, ["PENDING", "DECLINED"]],
    [emails.expired, ["EXPIRED"]],
  ])("%s drives the transaction by itself: %j", async (email, expected) => {
    h = await startHarness();
    const ticket = await createTransaction(h, {}, { email });
    await h.sandbox.idle();
    expect(statuses(h)).toEqual(expected);
    expect(h.sandbox.transactions.get(ticket)?.transaction.history.map((c) => c.status)).toEqual(["CREATED", ...expected]);
  });

  it("an ordinary email waits for the payer", async () => {
    h = await startHarness();
    const ticket = await createTransaction(h);
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(0);
    expect(h.sandbox.transactions.get(ticket)?.transaction.status).toBe("CREATED");
  });

  it("retries an IPN answered non-2xx, and keeps the order", async () => {
    h = await startHarness();
    h.receiver.respondWith(500, 503);
    const ticket = await createTransaction(h, {}, { email: emails.paid });
    await h.sandbox.idle();
    expect(h.receiver.received.map((r) => [JSON.parse(r.body).top_status, r.answeredWith])).toEqual([
      ["PENDING", 500],
      ["PENDING", 503],
      ["PENDING", 200],
      ["APPROVED", 200],
    ]);
    expect(h.sandbox.transactions.get(ticket)?.callbacks.map((c) => [c.label, c.state, c.attempts])).toEqual([
      ["PENDING", "delivered", 3],
      ["APPROVED", "delivered", 1],
    ]);
  });

  it("retries transport errors through the injected post, and gives up after maxAttempts", async () => {
    const sent: { url: string; status: string }[] = [];
    let calls = 0;
    const post: PostJson = async (url, body) => {
      calls++;
      if (calls <= 2) throw new Error("ECONNREFUSED");
      sent.push({ url, status: (JSON.parse(body) as { top_status: string }).top_status });
      return { statusCode: 200 };
    };
    h = await startHarness({ post, callbackRetry: { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 2 } });
    const ticket = await createTransaction(h, { ipn_url: "https://merchant.example/ipn?k=1" }, { email: emails.paid });
    await h.sandbox.idle();
    expect(sent).toEqual([{ url: "https://merchant.example/ipn?k=1", status: "APPROVED" }]);
    expect(h.sandbox.transactions.get(ticket)?.callbacks.map((c) => [c.label, c.state, c.attempts, c.lastError])).toEqual([
      ["PENDING", "failed", 2, "ECONNREFUSED"],
      ["APPROVED", "delivered", 1, null],
    ]);
    expect(h.sandbox.calls().callbacks).toEqual({ enqueued: 2, delivered: 1, failed: 1, attempts: 3 });
  });

  it("sends no signature header (gap 3: TumiPay documents none)", async () => {
    h = await startHarness();
    await createTransaction(h, {}, { email: emails.paid });
    await h.sandbox.idle();
    const headers = Object.keys(h.receiver.received[0]?.headers ?? {});
    expect(headers.filter((name) => /sign|hmac/i.test(name))).toEqual([]);
  });
});

describe("admin outcomes", () => {
  it.each([
    ["approve", "APPROVED"],
    ["reject", "REJECTED"],
    ["decline", "DECLINED"],
  ])("%s moves CREATED to PENDING at once, then to %s", async (action, final) => {
    h = await startHarness();
    const ticket = await createTransaction(h);
    const response = await h.request(`/__sandbox/transactions/${ticket}/${action}`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ transaction: { ticket, status: "PENDING", plannedOutcome: final } });
    await h.sandbox.idle();
    expect(statuses(h)).toEqual(["PENDING", final]);
    const again = await h.request(`/__sandbox/transactions/${ticket}/approve`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ statusCode: 409, message: `cannot approve: transaction is ${final}` });
  });

  it("start moves to PENDING without an outcome; it can still expire", async () => {
    h = await startHarness();
    const ticket = await createTransaction(h);
    expect((await h.request(`/__sandbox/transactions/${ticket}/start`, { method: "POST" })).status).toBe(200);
    expect((await h.request(`/__sandbox/transactions/${ticket}/expire`, { method: "POST" })).status).toBe(200);
    await h.sandbox.idle();
    expect(statuses(h)).toEqual(["PENDING", "EXPIRED"]);
  });

  it("a payment under way cannot expire", async () => {
    h = await startHarness({ callbackDelayMs: 60_000 });
    const ticket = await createTransaction(h);
    await h.request(`/__sandbox/transactions/${ticket}/approve`, { method: "POST" });
    const response = await h.request(`/__sandbox/transactions/${ticket}/expire`, { method: "POST" });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ statusCode: 409, message: "cannot expire: transaction is PENDING with its payment under way" });
  });

  it("answers 404 for an unknown ticket", async () => {
    h = await startHarness();
    const response = await h.request("/__sandbox/transactions/nope/approve", { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, message: "transaction not found" });
  });

  it("lists and shows transactions with their calls and IPNs", async () => {
    h = await startHarness();
    const ticket = await createTransaction(h, { reference: "show-1", payment_method: "PAGOEFECTIVO" }, { email: emails.paid });
    await h.sandbox.idle();
    const shown = (await (await h.request(`/__sandbox/transactions/${ticket}`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({
      transaction: { ticket, reference: "show-1", amount: "150", status: "APPROVED", cip: expect.stringMatching(/^[1-9]\d{7}$/) },
      calls: { payin: { requests: 1, effects: 1 }, lookup: { requests: 0 } },
      callbacks: [{ label: "PENDING", state: "delivered" }, { label: "APPROVED", state: "delivered" }],
    });
    const list = (await (await h.request("/__sandbox/transactions")).json()) as { transactions: unknown[] };
    expect(list.transactions).toHaveLength(1);
    const calls = (await (await h.request("/__sandbox/calls")).json()) as Record<string, unknown>;
    expect(calls).toMatchObject({ transactionsCreated: 1, references: { "show-1": { requests: 1, effects: 1 } }, internalErrors: [] });
  });
});

describe("expiry", () => {
  it("follows the sandbox clock: a transaction past expiration_time is EXPIRED at the next look, with its IPN", async () => {
    let clock = new Date("2025-10-15T12:00:00Z");
    h = await startHarness({ now: () => clock });
    const { data } = await readCreated(await h.payin(payinBody(h.receiver.url, { expiration_time: 30 })));
    clock = new Date("2025-10-15T12:29:59Z");
    expect(h.sandbox.transactions.get(data.ticket)?.transaction.status).toBe("CREATED");
    clock = new Date("2025-10-15T12:30:00Z");
    const lookup = (await (await h.lookup(data.ticket)).json()) as { data: { status: string; response_message: string } };
    expect(lookup.data).toMatchObject({ status: "EXPIRED", response_message: "Transacción expirada" });
    await h.sandbox.idle();
    expect(ipnBodies(h)).toEqual([expect.objectContaining({ top_status: "EXPIRED", top_bank_name: "" })]);
    expect(h.sandbox.transactions.get(data.ticket)?.transaction.expiresAt).toBe("2025-10-15T12:30:00.000Z");
  });

  it("an expired transaction no longer blocks the same email and amount, and cannot be paid", async () => {
    let clock = new Date("2025-10-15T12:00:00Z");
    h = await startHarness({ now: () => clock });
    const ticket = await createTransaction(h, { reference: "e-1" });
    clock = new Date("2025-10-16T00:00:00Z"); // 720 minutes, the default
    expect((await h.payin(payinBody(h.receiver.url, { reference: "e-2" }))).status).toBe(200);
    const pay = await h.request(`/__sandbox/transactions/${ticket}/approve`, { method: "POST" });
    expect(pay.status).toBe(409);
    expect(await pay.json()).toEqual({ statusCode: 409, message: "cannot approve: transaction is EXPIRED" });
  });

  it("expires on time by its deadline, without a request", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    h = await startHarness();
    const ticket = await createTransaction(h, { expiration_time: 1 });
    vi.advanceTimersByTime(59_000);
    expect(h.sandbox.transactions.get(ticket)?.transaction.status).toBe("CREATED");
    vi.advanceTimersByTime(1_000);
    vi.useRealTimers();
    await h.sandbox.idle();
    expect(statuses(h)).toEqual(["EXPIRED"]);
  });
});
