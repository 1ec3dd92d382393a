import { DroppedConnection, NO_FAULTS, startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { afterEach, describe, expect, it } from "vitest";
import { startTumipaySandbox, type RunningTumipaySandbox } from "./server.js";
import { AUTH, BASIC, createTransaction, ipnBodies, payinBody, readCreated, startHarness, TOKEN_TOP, type Harness } from "./testing/harness.js";

// The fault profile on the TumiPay sandbox (the mechanism is the kit's, see
// libs/sandbox-kit/src/faults): every kind made certain with probability 1.
// TumiPay has no idempotency key: a create retried with the same reference
// and body gets the first answer again (flows/payin.ts).

let h: Harness | undefined;
let running: RunningTumipaySandbox | undefined;
let receiver: CallbackReceiver | undefined;
afterEach(async () => {
  await h?.close();
  await running?.close();
  await receiver?.close();
  h = undefined;
  running = undefined;
  receiver = undefined;
});

async function putFaults(target: Harness, profile: Record<string, unknown>): Promise<Response> {
  return target.request("/__sandbox/faults", { method: "PUT", body: JSON.stringify(profile) });
}

const statuses = (target: Harness): unknown[] => ipnBodies(target).map((b) => b.top_status);

/** Creates a transaction without faults, then sets `profile` and has the payer pay: PENDING and APPROVED IPNs. */
async function approvedWith(profile: Record<string, unknown>): Promise<string> {
  h = await startHarness();
  const ticket = await createTransaction(h, { reference: "ref-1" });
  expect((await putFaults(h, profile)).status).toBe(200);
  expect((await h.request(`/__sandbox/transactions/${ticket}/approve`, { method: "POST" })).status).toBe(200);
  await h.sandbox.idle();
  return ticket;
}

describe("request faults", () => {
  it("error5xx answers 503 in TumiPay's error shape before the create is handled: nothing is created", async () => {
    h = await startHarness({ faults: { error5xx: 1 } });
    const response = await h.payin(payinBody(h.receiver.url, { reference: "ref-1" }));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ code: "00", status: "ERROR", message: "Service unavailable" });
    await h.sandbox.idle();
    expect(h.sandbox.calls().transactionsCreated).toBe(0);
    expect(h.sandbox.truth()).toEqual({ payments: {} });
    expect(h.sandbox.calls().faults).toMatchObject({ error5xx: 1 });
    // The hosted page and the admin routes are never faulted.
    expect((await h.request("/payments/main?s=nope")).status).toBe(404);
    expect((await h.request("/__sandbox/transactions")).status).toBe(200);
  });

  it("timeout: the create takes effect but the answer is dropped; the retry (same reference and body) gets the first answer, one transaction", async () => {
    h = await startHarness({ faults: { timeout: 1, timeoutHoldMs: 0 } });
    const body = payinBody(h.receiver.url, { reference: "ref-1" });
    await expect(h.payin(body)).rejects.toBeInstanceOf(DroppedConnection);
    const [created] = h.sandbox.transactions.list();
    expect(created?.reference).toBe("ref-1");

    expect((await putFaults(h, {})).status).toBe(200);
    const retry = await readCreated(await h.payin(body));
    expect(retry.data.ticket).toBe(created?.ticket);
    expect(h.sandbox.calls().references["ref-1"]).toEqual({ requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 });
    expect(h.sandbox.truth("ref-1")).toEqual({ payments: { "ref-1": { status: "CREATED", final: false, orders: 1, payEffects: 1, refunds: [] } } });
  });

  it("over HTTP: holds the answer until the client gives up, then drops the connection", async () => {
    receiver = await startCallbackReceiver();
    running = await startTumipaySandbox({ tokenTop: TOKEN_TOP, basic: BASIC, port: 0, callbackDelayMs: 0, faults: { timeout: 1 } });
    const body = payinBody(receiver.url, { reference: "ref-http" });
    const post = (signal?: AbortSignal) =>
      fetch(`${running?.url}/api/v1/payin`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body), signal });
    const client = new AbortController();
    const lost = post(client.signal);
    await running.sandbox.faults.injected("timeout", 1);
    expect(running.sandbox.faults.heldResponses).toBe(1);
    expect(running.sandbox.calls().transactionsCreated).toBe(1);
    client.abort();
    await expect(lost).rejects.toThrow();
    await running.sandbox.faults.noneHeld();

    running.sandbox.faults.configure(NO_FAULTS);
    const retry = await post();
    expect(retry.status).toBe(200);
    expect(running.sandbox.calls().references["ref-http"]).toMatchObject({ effects: 1, replays: 1 });
  });
});

describe("IPN faults", () => {
  it("duplicateCallback: each IPN arrives twice", async () => {
    await approvedWith({ duplicateCallback: 1 });
    expect(statuses(h as Harness)).toEqual(["PENDING", "PENDING", "APPROVED", "APPROVED"]);
  });

  it("reorderCallback: APPROVED arrives before PENDING", async () => {
    await approvedWith({ reorderCallback: 1 });
    expect(statuses(h as Harness)).toEqual(["APPROVED", "PENDING"]);
  });

  it("dropCallback: no IPN arrives; the transaction is APPROVED all the same", async () => {
    const ticket = await approvedWith({ dropCallback: 1 });
    expect(statuses(h as Harness)).toEqual([]);
    expect(h?.sandbox.transactions.get(ticket)?.callbacks.map((c) => [c.label, c.state])).toEqual([
      ["PENDING", "dropped"],
      ["APPROVED", "dropped"],
    ]);
    expect(h?.sandbox.truth().payments["ref-1"]).toEqual({ status: "APPROVED", final: true, orders: 1, payEffects: 1, refunds: [] });
  });

  it("delayCallback: the IPNs arrive, in order", async () => {
    h = await startHarness({ faults: { delayCallback: 1, maxDelayMs: 10 } });
    const ticket = await createTransaction(h, { reference: "ref-1" });
    await h.request(`/__sandbox/transactions/${ticket}/reject`, { method: "POST" });
    await h.receiver.waitFor(2);
    expect(statuses(h)).toEqual(["PENDING", "REJECTED"]);
    await h.sandbox.idle();
    expect(h.sandbox.calls().faults).toMatchObject({ delayCallback: 2 });
  });
});

describe("GET/PUT /__sandbox/faults and GET /__sandbox/truth", () => {
  it("shows and replaces the profile; 400 naming the field for a bad one", async () => {
    h = await startHarness();
    expect(await (await h.request("/__sandbox/faults")).json()).toMatchObject({ profile: NO_FAULTS, heldResponses: 0 });
    const put = await putFaults(h, { dropCallback: "0.5", seed: 77 });
    expect(await put.json()).toMatchObject({ profile: { dropCallback: 0.5, seed: 77 } });
    const bad = await putFaults(h, { seed: 1.5 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ statusCode: 400, message: "seed must be an integer from 0 to 4294967295" });
    // The sandbox's own per-reference faults (POST) live beside it.
    const own = await h.request("/__sandbox/faults", { method: "POST", body: JSON.stringify({ reference: "r", fault: "qr_error" }) });
    expect(own.status).toBe(200);
  });

  it("reports per reference: status, final, orders, pay effects", async () => {
    h = await startHarness();
    const approved = await createTransaction(h, { reference: "pay-A", amount: 10 });
    await createTransaction(h, { reference: "pay-B", amount: 20 });
    await h.request(`/__sandbox/transactions/${approved}/approve`, { method: "POST" });
    await h.sandbox.idle();
    expect(await (await h.request("/__sandbox/truth")).json()).toEqual({
      payments: {
        "pay-A": { status: "APPROVED", final: true, orders: 1, payEffects: 1, refunds: [] },
        "pay-B": { status: "CREATED", final: false, orders: 1, payEffects: 1, refunds: [] },
      },
    });
    expect(await (await h.request("/__sandbox/truth?reference=pay-B")).json()).toEqual({
      payments: { "pay-B": { status: "CREATED", final: false, orders: 1, payEffects: 1, refunds: [] } },
    });
  });

  it("is deterministic: the same seed and requests give the same answers", async () => {
    const answers = async (seed: number): Promise<number[]> => {
      const target = await startHarness({ faults: { error5xx: 0.5, seed } });
      const seen: number[] = [];
      for (let i = 0; i < 16; i++) seen.push((await target.lookup(`ticket-${i}`)).status);
      await target.close();
      return seen;
    };
    const first = await answers(99);
    expect(new Set(first)).toEqual(new Set([404, 503]));
    expect(await answers(99)).toEqual(first);
  });
});
