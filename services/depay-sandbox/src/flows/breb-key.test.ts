import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BREB_TEST_KEYS } from "../dict-key/breb-directory.js";
import { REJECTED_ERROR_CODE } from "../dict-key/dict-directory.js";
import { parseJsonBody, payAndSettle, previewBody, previewOrder, startHarness, type Harness } from "../testing/sandbox-harness.js";

// Colombia Bre-B keys go through the DICT key endpoints with local_country "CO".

const VALIDATE = "/v2/payments/validations/dictkey";
const PREVIEW = "/v2/payments/previews/dictkey";
const INVALID_DICT_KEY = { statusCode: 400, message: ["INVALID_DICT_KEY"] };

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const colombianPreview = (dictKey: string, overrides: Record<string, unknown> = {}) =>
  previewBody(h.receiver.url, {
    dict_key: dictKey,
    local_country: "CO",
    amount: 7205,
    external_reference: "co-ref-1",
    user: { full_name: "Camila Rojas", currency: "BRL", account_number: "1", tax_id: "1020304050" },
    ...overrides,
  });

describe("Bre-B keys at POST /v2/payments/validations/dictkey", () => {
  it.each(Object.entries({ name: BREB_TEST_KEYS.name, id: BREB_TEST_KEYS.id, random: BREB_TEST_KEYS.random, openInput: BREB_TEST_KEYS.openInput }))(
    "returns the account fields for the %s key of the document with local_country CO",
    async (_type, key) => {
      const response = await h.post(VALIDATE, { dict_key: key, local_country: "CO" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        name: expect.stringMatching(/^SANDBOX RECIPIENT [0-9A-F]{4}$/),
        accountNumber: expect.stringMatching(/^\d{10}$/),
        identificationNumber: expect.stringMatching(/^\d{10}$/),
        mcc: "CHECKING",
        branchOffice: "0001",
        category: "CHECKING",
        postalCode: null,
        bank: "Depay Sandbox Bank",
        terminal: null,
      });
    },
  );

  it("answers INVALID_DICT_KEY for a Bre-B key without local_country or with BR: the Brazilian directory does not know it", async () => {
    for (const body of [{ dict_key: BREB_TEST_KEYS.random }, { dict_key: BREB_TEST_KEYS.random, local_country: "BR" }, { dict_key: BREB_TEST_KEYS.random, local_country: "PE" }]) {
      const response = await h.post(VALIDATE, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(INVALID_DICT_KEY);
    }
  });

  it.each([
    ["a CPF", "39053344705"],
    ["a Brazilian phone", "+5511987654321"],
    ["text that is no key at all", "not-a-key"],
    ["a key of 21 characters after the @", `@${"A".repeat(21)}`],
    ["a key with a dash", "@CBA-Q1EXD8"],
    ["a lone @", "@"],
    ["the unregistered test key", BREB_TEST_KEYS.notRegistered],
  ])("answers INVALID_DICT_KEY with local_country CO for %s", async (_what, key) => {
    const response = await h.post(VALIDATE, { dict_key: key, local_country: "CO" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_DICT_KEY);
  });

  it("takes local_country in either case and refuses one that is not an ISO 3166-1 alpha-2 code", async () => {
    expect((await h.post(VALIDATE, { dict_key: "@A", local_country: "co" })).status).toBe(200);
    for (const local_country of ["COL", "XX", 57, ""]) {
      const response = await h.post(VALIDATE, { dict_key: BREB_TEST_KEYS.name, local_country });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, message: ["local_country must be a valid ISO31661 Alpha2 code"] });
    }
  });

  it("still answers the format error for a malformed key without local_country", async () => {
    const response = await h.post(VALIDATE, { dict_key: "not-a-key" });
    expect(await response.json()).toEqual({ statusCode: 400, message: ["dict_key invalid format. must be one of: CPF, CNPJ, Email, Phone Number, UUID"] });
  });
});

describe("Bre-B keys at POST /v2/payments/previews/dictkey", () => {
  it("answers in COP, then posts the nested DICT_KEY preview in COP", async () => {
    const response = await h.post(PREVIEW, colombianPreview(BREB_TEST_KEYS.name, { amount: 7205.5 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", external_reference: "co-ref-1", message: "Preview is being processed.", local_currency: "COP" });
    const [received] = await h.receiver.waitFor(1);
    const body = parseJsonBody(received?.body ?? "");
    expect(Object.keys(body)).toEqual(["payment_type", "external_reference", "collector", "order", "version"]);
    expect(body).toEqual({
      payment_type: "DICT_KEY",
      external_reference: "co-ref-1",
      collector: { name: expect.stringMatching(/^SANDBOX RECIPIENT /), identification_number: expect.stringMatching(/^\d{10}$/), branch_office: "" },
      // 7205.5 COP / 720.5 COP per BRL = 10.000694 BRL
      order: { id: expect.any(String), status: "CREATED", local_total_amount: 7205.5, local_currency: "COP", user_total_amount: 10.0007, user_currency: "BRL" },
      version: "2.0",
    });
  });

  it("refuses a COP amount with more than 2 decimals, and Bre-B keys outside CO", async () => {
    const precise = await h.post(PREVIEW, colombianPreview(BREB_TEST_KEYS.id, { amount: 100.125 }));
    expect(await precise.json()).toEqual({ statusCode: 400, message: ["amount must not have more than 2 decimal places"] });
    const brazil = await h.post(PREVIEW, colombianPreview(BREB_TEST_KEYS.id, { local_country: undefined }));
    expect(await brazil.json()).toEqual(INVALID_DICT_KEY);
    const pixInColombia = await h.post(PREVIEW, colombianPreview("39053344705"));
    expect(await pixInColombia.json()).toEqual(INVALID_DICT_KEY);
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toEqual([]);
  });

  it.each(Object.entries({ name: BREB_TEST_KEYS.name, id: BREB_TEST_KEYS.id, random: BREB_TEST_KEYS.random, openInput: BREB_TEST_KEYS.openInput }))(
    "pays the %s test key to COMPLETED, in COP on the status query",
    async (_type, key) => {
      const { orderId } = await previewOrder(h, PREVIEW, colombianPreview(key, { amount: 7205 }));
      await payAndSettle(h, orderId);
      const statuses = h.receiver.received.filter((r) => r.target === "/payments").map((r) => parseJsonBody(r.body).status);
      expect(statuses).toEqual(["PROCESSING", "COMPLETED"]);
      const status = parseJsonBody(await (await h.get(`/v2/payments/${orderId}/status`)).text());
      expect(status).toMatchObject({ status: "COMPLETED", local_amount: "7205.0000", local_currency: "COP", user_amount: "10.0000", user_currency: "BRL" });
    },
  );

  it("ends REJECTED for the rejecting test key", async () => {
    const { orderId } = await previewOrder(h, PREVIEW, colombianPreview(BREB_TEST_KEYS.rejected));
    await payAndSettle(h, orderId);
    const last = parseJsonBody(h.receiver.received.at(-1)?.body ?? "");
    expect(last).toMatchObject({ order_id: orderId, status: "REJECTED", error_code: REJECTED_ERROR_CODE });
  });
});
