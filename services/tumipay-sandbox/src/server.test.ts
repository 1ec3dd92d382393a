import { startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { afterEach, describe, expect, it } from "vitest";
import { createTumipaySandbox, startTumipaySandbox, TUMIPAY_TEST_DATA, type RunningTumipaySandbox } from "./index.js";
import { AUTH, BASIC, payinBody, TOKEN_TOP } from "./testing/harness.js";

let running: RunningTumipaySandbox | undefined;
let receiver: CallbackReceiver | undefined;
afterEach(async () => {
  await running?.close();
  await receiver?.close();
  running = undefined;
  receiver = undefined;
});

const post = (url: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
  fetch(`${url}/api/v1/payin`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body), signal });

describe("startTumipaySandbox", () => {
  it("serves over real HTTP, builds payment_url on its own URL and delivers IPNs", async () => {
    receiver = await startCallbackReceiver();
    running = await startTumipaySandbox({ tokenTop: TOKEN_TOP, basic: BASIC, port: 0, callbackDelayMs: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await post(running.url, payinBody(receiver.url, {}, { email: TUMIPAY_TEST_DATA.emails.paid }));
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { ticket: string; payment_url: string } };
    expect(data.payment_url).toBe(`${running.url}/payments/main?s=${data.ticket}`);
    expect((await fetch(data.payment_url)).status).toBe(200);
    const ipns = await receiver.waitFor(2);
    expect(ipns.map((r) => (JSON.parse(r.body) as { top_status: string }).top_status)).toEqual(["PENDING", "APPROVED"]);
    expect((await fetch(`${running.url}/api/v1/transaction/${data.ticket}`)).status).toBe(401);
  });

  it("a slow create takes effect though the client times out; the retry gets the stored answer", async () => {
    receiver = await startCallbackReceiver();
    running = await startTumipaySandbox({ tokenTop: TOKEN_TOP, basic: BASIC, port: 0, slowAnswerMs: 60_000 });
    const body = payinBody(receiver.url, { reference: "slow-1" }, { email: TUMIPAY_TEST_DATA.emails.slow });
    // The client's own timeout is the behaviour under test, not a wait for the sandbox.
    await expect(post(running.url, body, AbortSignal.timeout(500))).rejects.toThrow();
    expect(running.sandbox.transactions.list().map((t) => t.reference)).toEqual(["slow-1"]);
    const retry = await post(running.url, body, AbortSignal.timeout(5_000));
    expect(retry.status).toBe(200);
    const { data } = (await retry.json()) as { data: { ticket: string } };
    expect(data.ticket).toBe(running.sandbox.transactions.list()[0]?.ticket);
    expect(running.sandbox.calls().references["slow-1"]).toEqual({ requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 });
  });

  it("the slow_answer fault does the same for any customer", async () => {
    receiver = await startCallbackReceiver();
    running = await startTumipaySandbox({ tokenTop: TOKEN_TOP, basic: BASIC, port: 0, slowAnswerMs: 60_000 });
    await fetch(`${running.url}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ reference: "slow-2", fault: "slow_answer" }) });
    const body = payinBody(receiver.url, { reference: "slow-2" });
    await expect(post(running.url, body, AbortSignal.timeout(500))).rejects.toThrow();
    expect((await post(running.url, body, AbortSignal.timeout(5_000))).status).toBe(200);
    expect(running.sandbox.calls().transactionsCreated).toBe(1);
  });

  it("closes idempotently", async () => {
    running = await startTumipaySandbox({ tokenTop: TOKEN_TOP, basic: BASIC, port: 0 });
    await running.close();
    await running.close();
  });
});

describe("createTumipaySandbox options", () => {
  const ok = { tokenTop: "t", basic: BASIC };
  it.each([
    [{ ...ok, tokenTop: "" }, /tokenTop/],
    [{ ...ok, tokenTop: "a b" }, /tokenTop/],
    [{ ...ok, basic: "merchant:pass" }, /basic/],
    [{ ...ok, basic: Buffer.from("nocolon").toString("base64") }, /basic/],
    [{ ...ok, publicUrl: "pay.example" }, /publicUrl/],
    [{ ...ok, callbackDelayMs: -1 }, /callbackDelayMs/],
    [{ ...ok, slowAnswerMs: 1.5 }, /slowAnswerMs/],
    [{ ...ok, slowAnswerMs: 600_001 }, /slowAnswerMs/],
    [{ ...ok, callbackRetry: { maxAttempts: 0 } }, /maxAttempts/],
  ])("refuses %j up front", (options, message) => {
    expect(() => createTumipaySandbox(options)).toThrow(message);
  });
});
