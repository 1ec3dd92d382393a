import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIX_TEST_KEYS } from "@riel/depay-sandbox";
import { startEmbedded } from "@riel/embedded";
import type { RunningRiel } from "@riel/embedded";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import { http, pixPayment, StatusWatcher, TEST_API_KEY } from "./harness.js";

/** Riel in memory with a reconciliation pace of its own, and a watcher of its public events. */
async function start(reconcile: { scale: number; pollMs: number; attentionAfterMs?: number }): Promise<{ riel: RunningRiel; watcher: StatusWatcher; stop(): Promise<void> }> {
  const infra = infraFromEnv({});
  const riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, reconcile, log: () => {} });
  const watcherInfra = await connectInfra(infra, `e2e-${randomUUID()}`, () => {});
  const watcher = await StatusWatcher.start(watcherInfra.bus);
  return {
    riel,
    watcher,
    async stop() {
      await watcher.stop();
      await riel.stop();
    },
  };
}

const create = async (ingress: string, body: Record<string, unknown>): Promise<string> => {
  const res = await http("POST", `${ingress}/v1/payments`, body, { "idempotency-key": randomUUID() });
  expect(res.status).toBe(202);
  return res.body.paymentId as string;
};
const accept = async (ingress: string, paymentId: string): Promise<void> => {
  const res = await http("POST", `${ingress}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": randomUUID() });
  expect(res.status).toBe(202);
};

describe("reconciliation: Riel asks the provider when callbacks do not come", () => {
  // The lifecycle's delays shrunk 500 times: PROCESSING is checked after 60 ms instead of 30 s.
  let fast: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    fast = await start({ scale: 0.002, pollMs: 20 });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it("ends a payment whose callbacks are all dropped in the provider's final status, without anyone asking", async () => {
    const { riel, watcher } = fast;
    const paymentId = await create(riel.ingressUrl, pixPayment({ payeeKey: PIX_TEST_KEYS.silent }));
    await watcher.waitFor(paymentId, "CREATED");
    await accept(riel.ingressUrl, paymentId);
    await watcher.waitFor(paymentId, "PROCESSING");
    // The sandbox completes the payment and sends no callback: only the status query can tell.
    const completed = await watcher.waitFor(paymentId, "COMPLETED");
    expect(completed.source).toBe("STATUS_QUERY");
    const view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    expect(view.body.history).toEqual(expect.arrayContaining([expect.objectContaining({ status: "COMPLETED", source: "STATUS_QUERY" })]));
    expect(watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
  });
});

describe("reconciliation: a preview whose callback never comes", () => {
  // RECEIVED is checked after 120 ms (60 s shrunk 500 times).
  let fast: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    fast = await start({ scale: 0.002, pollMs: 20 });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it("gets a new preview; the abandoned order's expiry moves nothing, and the payment is paid once", async () => {
    const { riel, watcher } = fast;
    const faults = (profile: Record<string, number>) => http("PUT", `${riel.sandboxUrl}/__sandbox/faults`, profile);
    const injected = async (): Promise<number> => ((await http("GET", `${riel.sandboxUrl}/__sandbox/faults`)).body.injected as { dropCallback: number }).dropCallback;
    expect((await faults({ dropCallback: 1, seed: 1 })).status).toBe(200);
    const paymentId = await create(riel.ingressUrl, pixPayment());
    // Wait for the sandbox to have dropped this payment's preview callback, then stop dropping.
    while ((await injected()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await faults({ seed: 1 })).status).toBe(200);
    const created = await watcher.waitFor(paymentId, "CREATED");
    const orders = ((await http("GET", `${riel.sandboxUrl}/__sandbox/orders`)).body.orders as Array<{ id: string; externalReference: string }>).filter((o) => o.externalReference === paymentId);
    expect(orders).toHaveLength(2);
    const abandoned = orders.find((o) => o.id !== created.providerOrderId);
    expect(abandoned).toBeDefined();
    // The first order expires: its CANCELED callback is about another order and changes nothing.
    expect((await http("POST", `${riel.sandboxUrl}/__sandbox/orders/${abandoned?.id}/expire`, {})).status).toBe(200);
    await accept(riel.ingressUrl, paymentId);
    await watcher.waitFor(paymentId, "COMPLETED");
    expect(watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    const truth = (await http("GET", `${riel.sandboxUrl}/__sandbox/truth?reference=${paymentId}`)).body.payments as Record<string, { status: string; orders: number; payEffects: number }>;
    expect(truth[paymentId]).toMatchObject({ status: "COMPLETED", orders: 2, payEffects: 1 });
  });
});

describe("reconciliation: a callback that cannot be authenticated", () => {
  // The lifecycle's own delays (a preview is checked after 6 minutes), polled often: only the forged callback can make a check due now.
  let paced: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    paced = await start({ scale: 1, pollMs: 20 });
  });
  afterAll(async () => {
    await paced?.stop();
  });

  it("is never taken at its word: it makes Riel ask the provider, and the payment stays where the provider says", async () => {
    const { riel, watcher } = paced;
    const paymentId = await create(riel.ingressUrl, pixPayment());
    const created = await watcher.waitFor(paymentId, "CREATED");
    const orderId = created.providerOrderId as string;
    const statusQueries = async (): Promise<number> => {
      const report = await http("GET", `${riel.sandboxUrl}/__sandbox/orders/${orderId}`);
      return (report.body.calls as Record<string, { requests: number }>)["payment-status"]?.requests ?? 0;
    };
    expect(await statusQueries()).toBe(0);
    const forged = { order_id: orderId, external_reference: paymentId, status: "COMPLETED", date: new Date().toISOString(), payment_date: new Date().toISOString(), error_code: null };
    const res = await http("POST", `${riel.webhookUrl}/webhooks/depay/${paymentId}/forged-token`, forged);
    expect(res.status).toBe(401);
    // Wait for the check the forged callback triggered (a condition, bounded by the test's timeout).
    while ((await statusQueries()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    expect(view.body.status).toBe("CREATED");
    expect(watcher.statusesOf(paymentId)).toEqual(["RECEIVED", "CREATED"]);
  });
});

describe("reconciliation: a payment that does not move past the limit", () => {
  // CREATED is checked after 720 ms (6 minutes shrunk 500 times); the limit is 300 ms, so the first check past it gives up.
  let limited: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    limited = await start({ scale: 0.002, pollMs: 20, attentionAfterMs: 300 });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  const attentionFor = async (watcher: StatusWatcher, paymentId: string): Promise<NonNullable<StatusWatcher["attention"][number]>> => {
    // Wait for the event (a condition, bounded by the test's timeout), not for a time.
    for (;;) {
      const found = watcher.attention.find((a) => a.envelope.paymentId === paymentId);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it("is raised as needing attention on the public topic and in its view, once, and cleared when it moves", async () => {
    const { riel, watcher } = limited;
    const paymentId = await create(riel.ingressUrl, pixPayment({ externalReference: "stuck-1" }));
    await watcher.waitFor(paymentId, "CREATED");
    // Nobody confirms: the provider keeps saying the preview is waiting.
    const raised = await attentionFor(watcher, paymentId);
    expect(raised).toMatchObject({ provider: "depay", status: "CREATED", method: "PIX_KEY", externalReference: "stuck-1" });
    expect(raised.checks).toBeGreaterThanOrEqual(1);
    expect(raised.reason).toContain("CREATED since");
    let view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    for (let i = 0; view.body.attention === null && i < 500; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    }
    expect(view.body).toMatchObject({ status: "CREATED", attention: { status: "CREATED", checks: raised.checks, since: raised.since } });
    // Reconciliation stopped asking: no check of it is due any more.
    expect(watcher.attention.filter((a) => a.envelope.paymentId === paymentId)).toHaveLength(1);
    // Upstream acts on it after all: the payment moves on and the flag goes.
    await accept(riel.ingressUrl, paymentId);
    await watcher.waitFor(paymentId, "PROCESSING");
    const moved = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    expect(moved.body.attention).toBeNull();
  });
});
