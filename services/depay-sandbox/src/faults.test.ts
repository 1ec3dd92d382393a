import { DroppedConnection, REPLAY_HEADER, startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { afterEach, describe, expect, it } from "vitest";
import { startDepaySandbox, type RunningDepaySandbox } from "./server.js";
import { createOrder, parseJsonBody, payAndSettle, previewBody, startHarness, TOKEN, type Harness } from "./testing/sandbox-harness.js";

// The fault profile on the Depay sandbox (the mechanism is the kit's, see
// libs/sandbox-kit/src/faults): every kind made certain with probability 1,
// set while running with PUT /__sandbox/faults.

let h: Harness | undefined;
let running: RunningDepaySandbox | undefined;
let receiver: CallbackReceiver | undefined;
afterEach(async () => {
  await h?.close();
  await running?.close();
  await receiver?.close();
  h = undefined;
  running = undefined;
  receiver = undefined;
});

const PAYMENTS = "/payments";

async function putFaults(target: Harness, profile: Record<string, unknown>): Promise<void> {
  const response = await target.sandbox.app.request("/__sandbox/faults", { method: "PUT", body: JSON.stringify(profile) });
  if (response.status !== 200) throw new Error(`PUT /__sandbox/faults answered ${response.status}: ${await response.text()}`);
}

const payBody = (target: Harness, orderId: string) => ({ order_id: orderId, status: "accepted", notification_url: `${target.receiver.url}${PAYMENTS}` });

/** Status labels of the callbacks that went to the pay request's notification_url. */
const paymentLabels = (target: Harness): string[] =>
  target.receiver.received.filter((r) => r.target === PAYMENTS).map((r) => String(parseJsonBody(r.body).status));

describe("request faults", () => {
  it("error5xx answers 503 before the pay request is handled: the order stays CREATED, no callback", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await putFaults(h, { error5xx: 1 });
    const response = await h.post("/v2/payments", payBody(h, orderId), { "idempotency-key": "pay-1" });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ statusCode: 503, message: "Service Unavailable" });
    await h.sandbox.idle();
    expect(h.sandbox.orders.get(orderId)?.order.status).toBe("CREATED");
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toEqual({ requests: 1, effects: 0, replays: 0, idempotencyConflicts: 0 });
    expect(paymentLabels(h)).toEqual([]);
    expect(h.sandbox.truth("5201M17").payments["5201M17"]).toMatchObject({ status: "CREATED", payEffects: 0 });
    // The admin routes are never faulted.
    expect((await h.sandbox.app.request("/__sandbox/calls")).status).toBe(200);
    expect(h.sandbox.calls().faults).toMatchObject({ error5xx: 1 });
  });

  it("timeout: the pay takes effect but the answer is dropped; a retry with the same key replays it, one effect", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await putFaults(h, { timeout: 1, timeoutHoldMs: 0 });
    await expect(h.post("/v2/payments", payBody(h, orderId), { "idempotency-key": "pay-1" })).rejects.toBeInstanceOf(DroppedConnection);
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toMatchObject({ requests: 1, effects: 1 });
    expect(h.sandbox.orders.get(orderId)?.order.status).not.toBe("CREATED");

    await putFaults(h, {});
    const retry = await h.post("/v2/payments", payBody(h, orderId), { "idempotency-key": "pay-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get(REPLAY_HEADER)).toBe("true");
    expect(await retry.json()).toEqual({ status: "PROCESSING", message: "Payment in process" });
    await h.sandbox.idle();
    expect(paymentLabels(h)).toEqual(["PROCESSING", "COMPLETED"]);
    expect(h.sandbox.orders.get(orderId)?.calls.pay).toEqual({ requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 });
    expect(h.sandbox.truth().payments["5201M17"]).toEqual({ status: "COMPLETED", final: false, orders: 1, payEffects: 1, refunds: [] });
  });

  it("timeout on a refund (keys scoped per path): the retry replays, one refund", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await payAndSettle(h, orderId);
    await putFaults(h, { timeout: 1, timeoutHoldMs: 0 });
    const refund = () => h?.post(`/v2/payments/${orderId}/refunds`, { amount: 4 }, { "idempotency-key": "refund-1" });
    await expect(refund()).rejects.toBeInstanceOf(DroppedConnection);
    await putFaults(h, {});
    expect((await refund())?.headers.get(REPLAY_HEADER)).toBe("true");
    await h.sandbox.idle();
    expect(h.sandbox.truth().payments["5201M17"]).toEqual({
      status: "PARTIALLY_REFUNDED",
      final: false,
      orders: 1,
      payEffects: 1,
      refunds: [{ amount: "4", state: "done" }],
    });
  });
});

describe("request faults over HTTP", () => {
  const start = async (): Promise<{ url: string; post(path: string, body: unknown, init?: { key?: string; signal?: AbortSignal }): Promise<Response> }> => {
    receiver = await startCallbackReceiver();
    running = await startDepaySandbox({ token: TOKEN, port: 0, callbackDelayMs: 0 });
    const { url } = running;
    return {
      url,
      post: (path, body, init = {}) =>
        fetch(`${url}${path}`, {
          method: path.startsWith("/__sandbox") ? "PUT" : "POST",
          headers: {
            authorization: `Bearer ${TOKEN}`,
            "content-type": "application/json",
            ...(init.key === undefined ? {} : { "idempotency-key": init.key }),
          },
          body: JSON.stringify(body),
          signal: init.signal,
        }),
    };
  };

  const previewOverHttp = async (api: Awaited<ReturnType<typeof start>>): Promise<string> => {
    if (receiver === undefined) throw new Error("no receiver");
    expect((await api.post("/v2/payments/previews/dictkey", previewBody(receiver.url))).status).toBe(200);
    const [callback] = await receiver.waitFor(1);
    return (parseJsonBody(callback?.body ?? "{}").order as { id: string }).id;
  };

  it("holds the answer until the client gives up, then drops the connection; the retry replays", async () => {
    const api = await start();
    const orderId = await previewOverHttp(api);
    expect((await api.post("/__sandbox/faults", { timeout: 1 })).status).toBe(200);
    const pay = { order_id: orderId, status: "accepted", notification_url: `${receiver?.url}${PAYMENTS}` };
    const client = new AbortController();
    const lost = api.post("/v2/payments", pay, { key: "pay-1", signal: client.signal });
    await running?.sandbox.faults.injected("timeout", 1);
    expect(running?.sandbox.faults.heldResponses).toBe(1);
    expect(running?.sandbox.orders.get(orderId)?.calls.pay).toMatchObject({ requests: 1, effects: 1 });
    client.abort();
    await expect(lost).rejects.toThrow();
    await running?.sandbox.faults.noneHeld();

    expect((await api.post("/__sandbox/faults", {})).status).toBe(200);
    const retry = await api.post("/v2/payments", pay, { key: "pay-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get(REPLAY_HEADER)).toBe("true");
    await running?.sandbox.idle();
    expect(running?.sandbox.truth().payments["5201M17"]).toMatchObject({ status: "COMPLETED", payEffects: 1, orders: 1 });
  });

  it("drops the connection after timeoutHoldMs without an answer", async () => {
    const api = await start();
    const orderId = await previewOverHttp(api);
    expect((await api.post("/__sandbox/faults", { timeout: 1, timeoutHoldMs: 0 })).status).toBe(200);
    const pay = { order_id: orderId, status: "accepted", notification_url: `${receiver?.url}${PAYMENTS}` };
    await expect(api.post("/v2/payments", pay, { key: "pay-1" })).rejects.toThrow(/fetch failed/);
    expect(running?.sandbox.orders.get(orderId)?.order.status).not.toBe("CREATED");
  });

  it("ends held answers on close, so close() is not held up", async () => {
    const api = await start();
    expect((await api.post("/__sandbox/faults", { timeout: 1, timeoutHoldMs: 600_000 })).status).toBe(200);
    const lost = api.post("/v2/payments/validations/dictkey", { dict_key: "39053344705" });
    await running?.sandbox.faults.injected("timeout", 1);
    await running?.close();
    await expect(lost).rejects.toThrow(/fetch failed/);
    expect(running?.sandbox.faults.heldResponses).toBe(0);
  });
});

describe("callback faults", () => {
  const paidWith = async (profile: Record<string, unknown>): Promise<string> => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await putFaults(h, profile);
    await payAndSettle(h, orderId);
    return orderId;
  };

  it("duplicateCallback: each payment callback arrives twice", async () => {
    const orderId = await paidWith({ duplicateCallback: 1 });
    expect(paymentLabels(h as Harness)).toEqual(["PROCESSING", "PROCESSING", "COMPLETED", "COMPLETED"]);
    expect(h?.sandbox.orders.get(orderId)?.callbacks.map((c) => c.faults ?? [])).toEqual([[], [], ["duplicateCallback"], [], ["duplicateCallback"]]);
  });

  it("reorderCallback: the final status arrives before PROCESSING", async () => {
    await paidWith({ reorderCallback: 1 });
    expect(paymentLabels(h as Harness)).toEqual(["COMPLETED", "PROCESSING"]);
  });

  it("dropCallback: no payment callback ever arrives, the order completes all the same", async () => {
    const orderId = await paidWith({ dropCallback: 1 });
    expect(paymentLabels(h as Harness)).toEqual([]);
    const report = h?.sandbox.orders.get(orderId);
    expect(report?.order.status).toBe("COMPLETED");
    expect(report?.callbacks.map((c) => [c.label, c.state])).toEqual([
      ["preview", "delivered"],
      ["PROCESSING", "dropped"],
      ["COMPLETED", "dropped"],
    ]);
    expect(h?.sandbox.calls().faults).toMatchObject({ dropCallback: 2 });
  });

  it("delayCallback: the callbacks arrive, in order", async () => {
    h = await startHarness();
    const orderId = await createOrder(h);
    await putFaults(h, { delayCallback: 1, maxDelayMs: 10 });
    await h.post("/v2/payments", payBody(h, orderId));
    await h.receiver.waitFor(3);
    expect(paymentLabels(h)).toEqual(["PROCESSING", "COMPLETED"]);
    await h.sandbox.idle();
    expect(h.sandbox.calls().faults).toMatchObject({ delayCallback: 2 });
  });
});

describe("GET/PUT /__sandbox/faults", () => {
  it("starts from the faults option, shows the counters, and refuses a bad profile with 400 naming the field", async () => {
    h = await startHarness({ faults: { duplicateCallback: "0.25", seed: 5 } });
    const get = await h.sandbox.app.request("/__sandbox/faults");
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ profile: { duplicateCallback: 0.25, seed: 5, error5xx: 0 }, injected: { duplicateCallback: 0 } });
    const bad = await h.sandbox.app.request("/__sandbox/faults", { method: "PUT", body: JSON.stringify({ reorderCallback: -0.1 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      statusCode: 400,
      message: 'reorderCallback must be a probability from 0 to 1 (a number or a decimal string such as "0.05")',
    });
  });

  it("refuses a bad faults option up front", async () => {
    await expect(startHarness({ faults: { timeout: 3 } })).rejects.toThrow(/faults\.timeout must be a probability/);
  });

  it("is deterministic: the same seed and requests give the same answers", async () => {
    const answers = async (seed: number): Promise<number[]> => {
      const target = await startHarness({ faults: { error5xx: 0.5, seed } });
      const seen: number[] = [];
      for (let i = 0; i < 16; i++) seen.push((await target.post("/v2/payments/validations/dictkey", { dict_key: "39053344705" })).status);
      await target.close();
      return seen;
    };
    const first = await answers(2024);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await answers(2024)).toEqual(first);
  });
});

describe("GET /__sandbox/truth", () => {
  it("reports per external_reference: the status of the paid order, final, orders, pay effects and refunds", async () => {
    h = await startHarness();
    // Two previews for one reference (no idempotency key): the second is paid and refunded, the first stays CREATED.
    await createOrder(h, { external_reference: "pay-A" });
    const paid = await createOrder(h, { external_reference: "pay-A" });
    await payAndSettle(h, paid);
    expect((await h.post(`/v2/payments/${paid}/refunds`, { amount: 10 }, { "idempotency-key": "r-1" })).status).toBe(200);
    await h.sandbox.idle();
    const rejected = await createOrder(h, { external_reference: "pay-B" });
    await h.post("/v2/payments", { ...payBody(h, rejected), status: "rejected" });
    await createOrder(h, { external_reference: "pay-C" });
    await h.sandbox.idle();

    const response = await h.sandbox.app.request("/__sandbox/truth");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      payments: {
        "pay-A": { status: "REFUNDED", final: true, orders: 2, payEffects: 1, refunds: [{ amount: "10", state: "done" }] },
        "pay-B": { status: "CANCELED", final: true, orders: 1, payEffects: 1, refunds: [] },
        "pay-C": { status: "CREATED", final: false, orders: 1, payEffects: 0, refunds: [] },
      },
    });
    const one = await h.sandbox.app.request("/__sandbox/truth?reference=pay-B");
    expect(await one.json()).toEqual({ payments: { "pay-B": { status: "CANCELED", final: true, orders: 1, payEffects: 1, refunds: [] } } });
    expect(await (await h.sandbox.app.request("/__sandbox/truth?reference=nope")).json()).toEqual({ payments: {} });
  });
});
