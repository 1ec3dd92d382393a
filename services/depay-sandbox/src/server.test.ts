import { startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { afterEach, describe, expect, it } from "vitest";
import { createDepaySandbox, startDepaySandbox, type RunningDepaySandbox } from "./index.js";

let running: RunningDepaySandbox | undefined;
let receiver: CallbackReceiver | undefined;
afterEach(async () => {
  await running?.close();
  await receiver?.close();
  running = undefined;
  receiver = undefined;
});

describe("startDepaySandbox", () => {
  it("serves the API over real HTTP on a free port and delivers callbacks", async () => {
    receiver = await startCallbackReceiver();
    running = await startDepaySandbox({ token: "tok", port: 0, callbackDelayMs: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${running.url}/v2/payments/previews/dictkey`, {
      method: "POST",
      headers: { authorization: "Bearer tok", "content-type": "application/json" },
      body: JSON.stringify({
        dict_key: "recebedor@example.com.br",
        amount: 25.5,
        external_reference: "e2e-1",
        notification_url: `${receiver.url}/hook`,
        user: { full_name: "A B", currency: "BRL", account_number: "1", tax_id: "2" },
      }),
    });
    expect(response.status).toBe(200);
    const [callback] = await receiver.waitFor(1);
    expect(callback?.body).toContain('"local_total_amount":25.5,');
    const unauthorized = await fetch(`${running.url}/v2/payments/x/status`);
    expect(unauthorized.status).toBe(401);
  });

  it("closes idempotently", async () => {
    running = await startDepaySandbox({ token: "tok", port: 0 });
    await running.close();
    await running.close();
  });
});

describe("createDepaySandbox options", () => {
  it.each([
    [{ token: "" }, /token/],
    [{ token: "has space" }, /token/],
    [{ token: "t", callbackDelayMs: -1 }, /callbackDelayMs/],
    [{ token: "t", callbackDelayMs: 1.5 }, /callbackDelayMs/],
    [{ token: "t", callbackRetry: { maxAttempts: 0 } }, /maxAttempts/],
    [{ token: "t", callbackSigningSecret: "" }, /callbackSigningSecret/],
    [{ token: "t", previewTtlMs: 0 }, /previewTtlMs/],
    [{ token: "t", previewTtlMs: 2 ** 31 }, /previewTtlMs/],
  ])("refuses %j up front", (options, message) => {
    expect(() => createDepaySandbox(options)).toThrow(message);
  });
});
