import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { envelopeFor } from "@riel/schemas";
import type { Store } from "@riel/store";
import { createMemoryStore } from "@riel/store";
import type { EndpointRecord } from "./endpoints.js";
import { endpointRequestSchema } from "./endpoints.js";
import { createFanout } from "./fanout.js";
import type { PaymentEventRecord } from "./messages.js";
import { parseDelivery } from "./messages.js";
import { webhookAdmin } from "./operations.js";
import type { Sender, SendResult } from "./send.js";
import { signedHeaders } from "./send.js";
import { startDispatcher } from "./dispatcher.js";

const quiet = (): void => {};

function statusChanged(paymentId: string, status: string, previousStatus: string | null, at = new Date()): PaymentEventRecord {
  return {
    type: "riel.events.PaymentStatusChanged",
    value: {
      envelope: envelopeFor(paymentId, null, { now: at }),
      status,
      previousStatus,
      final: status === "COMPLETED",
      externalReference: `ref-${paymentId}`,
      providerOrderId: null,
      amount: { amount: "10.50", currency: "BRL" },
      reason: null,
      source: "PROVIDER_CALLBACK",
      method: "PIX_KEY",
      provider: "depay",
      refundedAmount: null,
      payerInstructions: null,
    },
  };
}

const LIFE = ["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"];
const lifeOf = (paymentId: string): PaymentEventRecord[] => LIFE.map((s, i) => statusChanged(paymentId, s, LIFE[i - 1] ?? null));

interface Received {
  readonly url: string;
  readonly id: string;
  readonly type: string;
  readonly paymentId: string;
}

/** A sender that records what arrives at each URL and answers what `answer` says; `until` resolves once a condition on the record holds. */
function recorder(answer: (url: string) => Promise<SendResult> | SendResult) {
  const received: Received[] = [];
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  const send: Sender = async (url, headers, body) => {
    const result = await answer(url);
    const parsed = JSON.parse(body) as { type: string; data: { paymentId: string } };
    if (result.status !== null && result.status < 300) received.push({ url, id: headers["webhook-id"] ?? "", type: parsed.type, paymentId: parsed.data.paymentId });
    for (const w of waiters.splice(0)) (w.test() ? w.resolve : () => waiters.push(w))();
    return result;
  };
  const until = (test: () => boolean): Promise<void> => (test() ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve })));
  return { send, received, until, at: (url: string) => received.filter((r) => r.url === url) };
}

async function endpoint(store: Store, url: string, eventTypes = ["*"], at = new Date(Date.now() - 60_000)): Promise<EndpointRecord> {
  return webhookAdmin(store.webhooks).create(endpointRequestSchema.parse({ url, eventTypes }), at);
}

describe("merchant webhooks", () => {
  it("signs each attempt per Standard Webhooks: the package's verifier accepts it, and refuses a changed body or another secret", async () => {
    const store = createMemoryStore();
    const ep = await endpoint(store, "https://merchant.example/hooks");
    const body = JSON.stringify({ type: "payment.completed", data: { paymentId: "p1" } });
    const headers = signedHeaders(ep.secret, "msg-1", new Date(), body);
    expect(headers["webhook-id"]).toBe("msg-1");
    expect(new Webhook(ep.secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(ep.secret).verify(body.replace("p1", "p2"), headers)).toThrow();
    const other = await endpoint(store, "https://merchant.example/other");
    expect(() => new Webhook(other.secret).verify(body, headers)).toThrow();
  });

  it("refuses endpoint requests naming the field and the rule", () => {
    const refused = endpointRequestSchema.safeParse({ url: "ftp://user:pw@merchant.example/x", eventTypes: ["payment.paid"], extra: 1 });
    expect(refused.success).toBe(false);
    const messages = refused.error?.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`) ?? [];
    expect(messages.join("\n")).toMatch(/url: must be an absolute http or https URL/);
    expect(messages.join("\n")).toMatch(/eventTypes.0: must be \* or one of payment.received/);
    expect(messages.join("\n")).toMatch(/extra/);
    expect(endpointRequestSchema.safeParse({ url: "https://m.example/h", eventTypes: [] }).error?.issues[0]?.message).toBe("must name at least one event type, or *");
    for (const url of ["https://m.example/h\u0000", "https://m.example/a b", "https://m.example/h\t", "https://m.example/h\u0085"]) {
      expect(endpointRequestSchema.safeParse({ url, eventTypes: ["*"] }).error?.issues[0]?.message, JSON.stringify(url)).toBe("must not contain spaces or control characters");
    }
    expect(endpointRequestSchema.safeParse({ url: "https://m.example/h%20x?q=%00", eventTypes: ["*"] }).success).toBe(true);
  });

  it("enqueues one delivery per event and endpoint that wants it, once however often the event is read", async () => {
    const store = createMemoryStore();
    const all = await endpoint(store, "https://a.example/h");
    const completedOnly = await endpoint(store, "https://b.example/h", ["payment.completed"]);
    let clock = Date.now();
    const fanout = createFanout({ store: store.webhooks, log: quiet, now: () => new Date(clock++) });
    const paymentId = randomUUID();
    const events = lifeOf(paymentId);
    for (const e of events) await fanout(e);
    for (const e of events) expect((await fanout(e)).enqueued).toBe(0);
    const admin = webhookAdmin(store.webhooks);
    expect((await admin.deliveries(all.id, { limit: 10 })).map((d) => d.type).reverse()).toEqual(["payment.received", "payment.created", "payment.processing", "payment.completed"]);
    expect((await admin.deliveries(completedOnly.id, { limit: 10 })).map((d) => d.type)).toEqual(["payment.completed"]);
    // An endpoint made after an event does not get it.
    const late = await endpoint(store, "https://c.example/h", ["*"], new Date(Date.now() + 60_000));
    expect((await fanout(statusChanged(randomUUID(), "RECEIVED", null))).enqueued).toBe(1);
    expect(await admin.deliveries(late.id, { limit: 10 })).toEqual([]);
  });

  it("delivers each payment's events in order through a failing spell, while a hanging endpoint holds up no other", async () => {
    const store = createMemoryStore();
    const A = "https://a.example/h";
    const B = "https://b.example/h";
    const H = "https://hangs.example/h";
    const [, epB] = [await endpoint(store, A), await endpoint(store, B), await endpoint(store, H)];
    let aFails = true;
    const hung: Array<() => void> = [];
    const rec = recorder((url) => {
      if (url === H) return new Promise<SendResult>((resolve) => hung.push(() => resolve({ status: null, error: "TimeoutError" })));
      if (url === A && aFails) return { status: 500, error: null };
      return { status: 204, error: null };
    });
    const dispatcher = startDispatcher({ store: store.webhooks, send: rec.send, log: quiet, retry: { baseMs: 1, maxMs: 20 }, perEndpoint: 4, concurrency: 16, pollMs: 5 });
    const fanout = createFanout({ store: store.webhooks, log: quiet, enqueued: () => dispatcher.wake() });
    const payments = Array.from({ length: 40 }, () => randomUUID());
    for (const [i] of LIFE.entries()) for (const p of payments) await fanout(lifeOf(p)[i] as PaymentEventRecord);
    const total = payments.length * LIFE.length;

    // B gets everything while A fails and H never answers, each holding at most its own 4 slots.
    await rec.until(() => rec.at(B).length === total);
    expect(rec.at(A)).toHaveLength(0);
    expect(hung.length).toBe(4);
    aFails = false;
    await rec.until(() => rec.at(A).length === total);
    for (const url of [A, B]) {
      for (const p of payments) expect(rec.at(url).filter((r) => r.paymentId === p).map((r) => r.type)).toEqual(LIFE.map((s) => `payment.${s.toLowerCase()}`));
      expect(new Set(rec.at(url).map((r) => r.id)).size).toBe(total);
    }
    for (const release of hung.splice(0)) release();
    await dispatcher.stop();
    const log = await webhookAdmin(store.webhooks).deliveries(epB.id, { limit: total });
    expect(log.map((d) => d.status)).toEqual(Array.from({ length: total }, () => "DELIVERED"));
  });

  it("backs off exponentially, makes its last try at the day's end, then gives up; a redelivery sends the same message again", async () => {
    const store = createMemoryStore();
    let clock = Date.parse("2026-12-01T00:00:00.000Z");
    const ep = await endpoint(store, "https://a.example/h", ["*"], new Date(clock - 1));
    let answer: SendResult = { status: 503, error: null };
    const rec = recorder(() => answer);
    const attempts: string[] = [];
    let settled: (() => void) | undefined;
    const dispatcher = startDispatcher({
      store: store.webhooks,
      send: rec.send,
      log: quiet,
      retry: { baseMs: 1_000, maxMs: 4_000, giveUpAfterMs: 10_000 },
      now: () => clock,
      random: () => 0.5,
      pollMs: 60_000,
      attempted: ({ outcome }) => {
        attempts.push(outcome);
        settled?.();
      },
    });
    const step = async (to: number): Promise<void> => {
      const done = new Promise<void>((resolve) => (settled = resolve));
      clock = to;
      dispatcher.wake();
      await done;
    };
    const start = clock;
    const paymentId = randomUUID();
    const done = new Promise<void>((resolve) => (settled = resolve));
    await createFanout({ store: store.webhooks, log: quiet, now: () => new Date(clock), enqueued: () => dispatcher.wake() })(statusChanged(paymentId, "RECEIVED", null, new Date(clock)));
    await done;
    const admin = webhookAdmin(store.webhooks);
    const next = async (): Promise<number> => Date.parse((await admin.deliveries(ep.id, { limit: 1 }))[0]?.nextAttemptAt ?? "");
    expect((await next()) - start).toBe(1_000);
    await step(start + 1_000);
    expect((await next()) - start).toBe(3_000);
    await step(start + 3_000);
    expect((await next()) - start).toBe(7_000);
    await step(start + 7_000);
    // 7 s + 4 s would pass the 10 s limit: the last try is at 10 s.
    expect((await next()) - start).toBe(10_000);
    await step(start + 10_000);
    expect(attempts).toEqual(["retry", "retry", "retry", "retry", "failed"]);
    const [failed] = await admin.deliveries(ep.id, { limit: 1 });
    expect(failed).toMatchObject({ status: "FAILED", attempts: 5, nextAttemptAt: null, lastResponse: { status: 503, error: null } });

    answer = { status: 200, error: null };
    const again = await admin.redeliver(failed?.id ?? "", new Date(clock));
    expect(again.kind).toBe("REQUEUED");
    expect((await admin.redeliver(failed?.id ?? "", new Date(clock))).kind).toBe("WAITING");
    await step(clock);
    expect(rec.received.map((r) => r.id)).toEqual([JSON.parse((await store.webhooks.getDelivery(failed?.id ?? ""))?.record ?? "{}").messageId]);
    expect(parseDelivery((await store.webhooks.getDelivery(failed?.id ?? ""))?.record ?? "")).toMatchObject({ status: "DELIVERED", attempts: 1 });
    expect((await admin.redeliver("whd_nothing", new Date(clock))).kind).toBe("NOT_FOUND");
    await dispatcher.stop();
  });
});

// The dispatcher runs for weeks while merchants add and remove endpoints: what it keeps per
// endpoint must leave with the endpoint's last attempt.
describe("webhook dispatcher slots", () => {
  it("keeps no per-endpoint entry once an endpoint's attempts end, however many endpoints come and go", async () => {
    const store = createMemoryStore();
    const admin = webhookAdmin(store.webhooks);
    const delivered = new Map<string, number>();
    const waiters: Array<() => void> = [];
    const send: Sender = async (url) => {
      delivered.set(url, (delivered.get(url) ?? 0) + 1);
      for (const w of waiters.splice(0)) w();
      return { status: 204, error: null };
    };
    const until = async (test: () => boolean): Promise<void> => {
      while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    const dispatcher = startDispatcher({ store: store.webhooks, send, log: quiet, pollMs: 5 });
    const fanout = createFanout({ store: store.webhooks, log: quiet, enqueued: () => dispatcher.wake() });
    try {
      // Rounds of endpoints made, delivered to, and removed (the dispatcher reads the endpoint list again every second).
      const rounds = 3;
      const perRound = 20;
      for (let r = 0; r < rounds; r++) {
        const urls = Array.from({ length: perRound }, (_, i) => `https://m${r}-${i}.example/h`);
        const made = [];
        for (const url of urls) made.push(await admin.create(endpointRequestSchema.parse({ url, eventTypes: ["*"] }), new Date(Date.now() - 60_000)));
        await fanout(statusChanged(randomUUID(), "RECEIVED", null));
        await until(() => urls.every((url) => delivered.get(url) === 1));
        for (const endpoint of made) expect(await admin.delete(endpoint.id)).toBe(true);
      }
      const endpoints = rounds * perRound;
      expect(delivered.size).toBe(endpoints);
      // Once no attempt is running, no endpoint is listed (the store's settle may still be ending the last one).
      while ([...dispatcher.inFlight().values()].some((n) => n > 0)) await new Promise<void>((resolve) => setImmediate(resolve));
      expect(dispatcher.inFlight().size).toBe(0);

      // Still delivering: a new endpoint gets its message as before.
      const url = "https://after.example/h";
      await admin.create(endpointRequestSchema.parse({ url, eventTypes: ["*"] }), new Date(Date.now() - 60_000));
      await fanout(statusChanged(randomUUID(), "RECEIVED", null));
      await until(() => delivered.get(url) === 1);
    } finally {
      await dispatcher.stop();
    }
    expect(dispatcher.inFlight().size).toBe(0);
  });
});
