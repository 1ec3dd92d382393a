import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TUMIPAY_TEST_DATA } from "../test-data.js";
import { BASIC, createTransaction, payinBody, readCreated, startHarness, type Harness } from "../testing/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: () => new Date("2025-10-15T22:58:36Z") });
});
afterEach(async () => {
  await h.close();
});

const lookupData = async (ticket: string): Promise<Record<string, unknown>> => {
  const response = await h.lookup(ticket);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
};

describe("GET /api/v1/transaction/{ticket}", () => {
  it("answers the supplement's body: legal_doc and phone_number as numbers, as its example", async () => {
    const text = JSON.stringify(payinBody(h.receiver.url, { reference: "look-1" })).replace('"amount":150', '"amount":99.90');
    const { data: created } = await readCreated(await h.payinRaw(text));
    const response = await h.lookup(created.ticket);
    const raw = await response.text();
    expect(raw).toContain('"amount":99.90,');
    expect(JSON.parse(raw)).toEqual({
      code: "01",
      status: "SUCCESS",
      data: {
        ticket: created.ticket,
        reference: "look-1",
        amount: 99.9,
        currency: "PEN",
        type_transaction: "Recaudo",
        customer: {
          email: "johndoe@email.com",
          full_name: "John Doe",
          legal_doc: 12345678,
          phone_code: "51",
          phone_number: 987654321,
          legal_doc_type: "DNI",
        },
        status: "PENDING",
        response_message: "Transacción creada",
        date: "2025-10-15 17:58:36",
        cus: "",
        metadata: [],
      },
    });
    expect(h.sandbox.transactions.get(created.ticket)?.calls.lookup).toMatchObject({ requests: 1 });
  });

  it("keeps a document as a string when a number would lose a leading zero or letters", async () => {
    const zero = await createTransaction(h, { reference: "z-1" }, { legal_doc: "01234567", phone_number: "0987654" });
    expect(await lookupData(zero)).toMatchObject({ customer: expect.objectContaining({ legal_doc: "01234567", phone_number: "0987654" }) });
    const passport = await createTransaction(h, { reference: "z-2", amount: 3 }, { legal_doc_type: "PPN", legal_doc: "AB123456" });
    expect(await lookupData(passport)).toMatchObject({ customer: expect.objectContaining({ legal_doc: "AB123456", legal_doc_type: "PPN" }) });
  });

  it.each([
    [TUMIPAY_TEST_DATA.emails.paid, "COMPLETED", "Transacción exitosa"],
    [TUMIPAY_TEST_DATA.emails.rejected, "REJECTED", "Transacción rechazada por la entidad financiera"],
    [TUMIPAY_TEST_DATA.emails.declined, "DECLINED", "Transacción declinada por las reglas de seguridad"],
    [TUMIPAY_TEST_DATA.emails.expired, "EXPIRED", "Transacción expirada"],
  ])("maps %s's end to %s", async (email, status, message) => {
    const ticket = await createTransaction(h, {}, { email });
    await h.sandbox.idle();
    const data = await lookupData(ticket);
    expect(data).toMatchObject({ status, response_message: message });
    expect(data.cus).toEqual(status === "EXPIRED" ? "" : expect.stringMatching(/^\d{10}$/));
  });

  it("says PENDING while the payer is paying", async () => {
    const ticket = await createTransaction(h);
    await h.request(`/__sandbox/transactions/${ticket}/start`, { method: "POST" });
    expect(await lookupData(ticket)).toMatchObject({ status: "PENDING", response_message: "Transacción en proceso" });
  });

  it("answers 404 for an unknown ticket", async () => {
    const response = await h.lookup("00000000-0000-4000-8000-000000000000");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Transaction not found" });
  });

  it("needs the same credentials as the pay-in", async () => {
    const ticket = await createTransaction(h);
    const wrong: Record<string, string>[] = [{ "token-top": "wrong" }, { authorization: "" }, { authorization: `Basic ${BASIC}x` }];
    for (const headers of wrong) {
      const response = await h.lookup(ticket, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Unauthorized" });
    }
  });
});
