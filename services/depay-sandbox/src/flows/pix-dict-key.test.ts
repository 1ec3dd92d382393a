import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIX_TEST_KEYS } from "../dict-key/dict-directory.js";
import { parseJsonBody, previewBody, startHarness, type Harness } from "../testing/sandbox-harness.js";

const VALIDATE = "/v2/payments/validations/dictkey";
const PREVIEW = "/v2/payments/previews/dictkey";
const FORMAT_ERROR = "dict_key invalid format. must be one of: CPF, CNPJ, Email, Phone Number, UUID";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("POST /v2/payments/validations/dictkey", () => {
  it.each([
    ["EVP", "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202"],
    ["CPF", "39053344705"],
    ["CNPJ", "11222333000181"],
    ["email", "recebedor@example.com.br"],
    ["phone", "+5511987654321"],
  ])("returns the documented account fields for a %s key", async (_type, key) => {
    const response = await h.post(VALIDATE, { dict_key: key });
    expect(response.status).toBe(200);
    const body = parseJsonBody(await response.text());
    expect(Object.keys(body)).toEqual([
      "name",
      "accountNumber",
      "identificationNumber",
      "mcc",
      "branchOffice",
      "category",
      "postalCode",
      "bank",
      "terminal",
    ]);
    expect(body).toMatchObject({ mcc: "CHECKING", category: "CHECKING", postalCode: null, terminal: null });
    expect(body.accountNumber).toMatch(/^\d{10}$/);
  });

  it("returns the CPF as the owner's identification number for a CPF key, the same on every call", async () => {
    const first = parseJsonBody(await (await h.post(VALIDATE, { dict_key: "39053344705" })).text());
    const second = parseJsonBody(await (await h.post(VALIDATE, { dict_key: "39053344705" })).text());
    expect(first.identificationNumber).toBe("39053344705");
    expect(second).toEqual(first);
  });

  it("answers the documented 400 for a malformed key", async () => {
    const response = await h.post(VALIDATE, { dict_key: "390.533.447-05" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: [FORMAT_ERROR] });
  });

  it("answers the documented INVALID_DICT_KEY for a well-formed key that DICT does not know", async () => {
    const response = await h.post(VALIDATE, { dict_key: PIX_TEST_KEYS.notRegistered });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["INVALID_DICT_KEY"] });
  });

  it.each([
    ["missing", {}, "dict_key should not be empty"],
    ["a number", { dict_key: 123 }, "dict_key must be a string"],
  ])("answers 400 when dict_key is %s", async (_what, body, message) => {
    const response = await h.post(VALIDATE, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: [message] });
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await h.postRaw(VALIDATE, "dict_key=1");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["body must be a JSON object"] });
  });

  it("answers 401 without the configured bearer token", async () => {
    for (const authorization of [undefined, "Bearer wrong-token", "Basic c2FuZGJveA=="]) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (authorization !== undefined) headers.authorization = authorization;
      const response = await h.sandbox.app.request(VALIDATE, { method: "POST", body: '{"dict_key":"39053344705"}', headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ statusCode: 401, message: "Unauthorized" });
    }
    expect(h.sandbox.calls().endpoints["validate-dict-key"]?.requests).toBe(0);
  });
});

describe("POST /v2/payments/previews/dictkey", () => {
  it("answers success at once, then posts the documented preview callback with a new order", async () => {
    const response = await h.post(PREVIEW, previewBody(h.receiver.url, { user: { full_name: "Joao Santos", currency: "ARS", account_number: "0009795493", tax_id: "39053344705" }, amount: 7 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "success",
      external_reference: "5201M17",
      message: "Preview is being processed.",
      local_currency: "BRL",
    });

    const [callback] = await h.receiver.waitFor(1);
    expect(callback?.target).toBe("/previews");
    expect(callback?.headers["content-type"]).toBe("application/json");
    const body = parseJsonBody(callback?.body ?? "");
    const order = body.order as Record<string, unknown>;
    expect(body).toEqual({
      payment_type: "DICT_KEY",
      external_reference: "5201M17",
      collector: { name: expect.stringMatching(/^SANDBOX RECIPIENT /), identification_number: expect.stringMatching(/^\d{11}$/), branch_office: "" },
      order: {
        id: order.id,
        status: "CREATED",
        local_total_amount: 7,
        local_currency: "BRL",
        user_total_amount: 1637.3602,
        user_currency: "ARS",
      },
      version: "2.0",
    });
    expect(order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.sandbox.orders.get(order.id as string)?.order.status).toBe("CREATED");
  });

  it("writes the amounts into the callback exactly, as JSON numbers", async () => {
    await h.postRaw(
      PREVIEW,
      `{"dict_key":"39053344705","amount":10.10,"external_reference":"r-1","notification_url":"${h.receiver.url}/cb","user":{"full_name":"A B","currency":"ARS","account_number":"1","tax_id":"2"}}`,
    );
    const [callback] = await h.receiver.waitFor(1);
    expect(callback?.body).toContain('"local_total_amount":10.1,');
    expect(callback?.body).toContain('"user_total_amount":2362.4769,');
  });

  it("lists every broken field rule in the NestJS style", async () => {
    const response = await h.post(PREVIEW, {
      dict_key: "not-a-key",
      amount: "10",
      external_reference: "x".repeat(101),
      notification_url: "ftp://example.com/cb",
      user: { full_name: "", currency: "REAL", account_number: 42, tax_id: "9".repeat(51) },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      statusCode: 400,
      message: [
        FORMAT_ERROR,
        "amount must be a number conforming to the specified constraints",
        "external_reference must be shorter than or equal to 100 characters",
        "notification_url must be a URL address",
        "user.full_name should not be empty",
        "user.currency must be a valid ISO4217 currency code",
        "user.account_number must be a string",
        "user.tax_id must be shorter than or equal to 50 characters",
      ],
    });
    expect(h.sandbox.orders.list()).toEqual([]);
  });

  it.each([
    ["zero", 0, "amount must be a positive number"],
    ["negative", -5, "amount must be a positive number"],
    ["three decimals", 10.123, "amount must not have more than 2 decimal places"],
  ])("refuses an amount that is %s", async (_what, amount, message) => {
    const response = await h.post(PREVIEW, previewBody(h.receiver.url, { amount }));
    expect(await response.json()).toEqual({ statusCode: 400, message: [message] });
  });

  it("refuses a missing user object, a notification_url over 250 characters and a currency the sandbox does not quote", async () => {
    const noUser = await h.post(PREVIEW, previewBody(h.receiver.url, { user: undefined }));
    expect(await noUser.json()).toEqual({ statusCode: 400, message: ["user should not be empty"] });
    const longUrl = await h.post(PREVIEW, previewBody(h.receiver.url, { notification_url: `${h.receiver.url}/${"a".repeat(250)}` }));
    expect(await longUrl.json()).toEqual({ statusCode: 400, message: ["notification_url must be shorter than or equal to 250 characters"] });
    const yen = await h.post(PREVIEW, previewBody(h.receiver.url, { user: { full_name: "A", currency: "JPY", account_number: "1", tax_id: "2" } }));
    expect(((await yen.json()) as { message: string[] }).message[0]).toMatch(/^user\.currency must be one of the following values: /);
  });

  it("answers INVALID_DICT_KEY and creates no order for an unregistered key", async () => {
    const response = await h.post(PREVIEW, previewBody(h.receiver.url, { dict_key: PIX_TEST_KEYS.notRegistered }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, message: ["INVALID_DICT_KEY"] });
    await h.sandbox.idle();
    expect(h.receiver.received).toEqual([]);
    expect(h.sandbox.orders.list()).toEqual([]);
  });

  it("makes one order and one callback for a repeated idempotency key; 409 for the same key with another body", async () => {
    const body = previewBody(h.receiver.url);
    const headers = { "idempotency-key": "preview-1" };
    const first = await h.post(PREVIEW, body, headers);
    const again = await h.post(PREVIEW, body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    const other = await h.post(PREVIEW, { ...body, amount: 11 }, headers);
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ statusCode: 409, message: "Conflict error" });
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toHaveLength(1);
    expect(h.receiver.received).toHaveLength(1);
    expect(h.sandbox.calls().endpoints["preview-dict-key"]).toMatchObject({ requests: 3, effects: 1, replays: 1, idempotencyConflicts: 1 });
  });

  it("makes one order when the same key arrives concurrently", async () => {
    const body = previewBody(h.receiver.url);
    const responses = await Promise.all(Array.from({ length: 5 }, () => h.post(PREVIEW, body, { "idempotency-key": "same" })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await h.sandbox.idle();
    expect(h.sandbox.orders.list()).toHaveLength(1);
    expect(h.receiver.received).toHaveLength(1);
  });
});
