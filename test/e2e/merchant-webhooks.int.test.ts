// Signed webhooks to merchants on the real Kafka, Redis and schema registry: 1,000 payments, two
// endpoints. Endpoint A answers 500 for a minute and then recovers; endpoint B is healthy. Both must
// get every status change of every payment, in order per payment, each signature verified with the
// `standardwebhooks` package's verifier; B must have everything before A recovers. Then the delivery
// log (API and dashboard) and `riel webhooks redeliver`, as an operator would use them.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireStack } from "../setup/stack.js";
import { http, pixPayment } from "./harness.js";
import type { OnStack } from "./on-stack.js";
import { rielCli, startOnStack } from "./on-stack.js";

const stack = requireStack();
const PAYMENTS = 1_000;
const IN_FLIGHT = 20;
const OUTAGE_MS = 60_000;
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../../test-artifacts/dashboard/", import.meta.url);

interface Arrival {
  readonly id: string;
  readonly paymentId: string;
  readonly status: string;
  readonly at: number;
}

/** A merchant's endpoint: verifies every delivery's signature, records what it accepted, and answers 500 while `down()`. */
class Receiver {
  readonly arrivals: Arrival[] = [];
  readonly unique = new Map<string, string[]>();
  readonly seen = new Set<string>();
  refused = 0;
  badSignatures = 0;
  repeats = 0;
  secret = "";
  #server: Server | undefined;
  #waiters: Array<{ test: () => boolean; resolve: () => void }> = [];

  constructor(readonly down: () => boolean) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      void this.#take(req).then((status) => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/riel-webhooks`;
  }

  async #take(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let payload: { type: string; data: { paymentId: string; status: string } };
    try {
      payload = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as typeof payload;
    } catch {
      this.badSignatures++;
      return 401;
    }
    if (this.down()) {
      this.refused++;
      return 500;
    }
    const id = String(req.headers["webhook-id"]);
    this.arrivals.push({ id, paymentId: payload.data.paymentId, status: payload.data.status, at: Date.now() });
    if (this.seen.has(id)) this.repeats++;
    else {
      this.seen.add(id);
      const list = this.unique.get(payload.data.paymentId) ?? [];
      list.push(id);
      this.unique.set(payload.data.paymentId, list);
    }
    this.#waiters = this.#waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    return 204;
  }

  until(test: () => boolean): Promise<void> {
    return test() ? Promise.resolve() : new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

describe("signed webhooks to merchants", () => {
  let on: OnStack;
  let riel: OnStack["riel"];
  let watcher: OnStack["watcher"];
  let recoversAt = Number.POSITIVE_INFINITY;
  const a = new Receiver(() => Date.now() < recoversAt);
  const b = new Receiver(() => false);
  const endpoints: Record<string, string> = {};

  beforeAll(async () => {
    on = await startOnStack(stack, "webhooks-test", { dashboard: { kind: "open" }, webhookRetry: { baseMs: 250, maxMs: 4_000 } });
    ({ riel, watcher } = on);
  });

  afterAll(async () => {
    // Later tests share this Redis: leave no endpoint behind for them to deliver to.
    for (const id of Object.values(endpoints)) await http("DELETE", `${riel.ingressUrl}/v1/webhook-endpoints/${id}`);
    await on?.stop();
    await a.stop();
    await b.stop();
  });

  it("delivers every status change of 1,000 payments in order and signed, to a healthy endpoint at once and to one that failed for a minute once it recovers", async () => {
    // Endpoints an earlier run on this Redis left behind are removed (DELETE), so only this run's two get anything.
    for (const old of (await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints`)).body.endpoints as Array<{ id: string }>) {
      expect((await http("DELETE", `${riel.ingressUrl}/v1/webhook-endpoints/${old.id}`)).status).toBe(200);
    }
    expect((await http("DELETE", `${riel.ingressUrl}/v1/webhook-endpoints/we_0000000000000000`)).status).toBe(404);
    // Bad registrations change nothing.
    const refused = await http("POST", `${riel.ingressUrl}/v1/webhook-endpoints`, { url: "ftp://x.example/h", eventTypes: ["payment.paid"] });
    expect(refused.status).toBe(400);
    expect((refused.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(["eventTypes.0", "url"]);
    expect(((await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints`)).body.endpoints as unknown[]).length).toBe(0);

    for (const [name, receiver] of [["A", a], ["B", b]] as const) {
      const created = await http("POST", `${riel.ingressUrl}/v1/webhook-endpoints`, { url: await receiver.start(), eventTypes: ["*"], description: `endpoint ${name}` });
      expect(created.status).toBe(201);
      receiver.secret = String(created.body.secret);
      endpoints[name] = String(created.body.id);
    }
    const listed = (await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints`)).body.endpoints as Array<Record<string, unknown>>;
    expect(listed.map((e) => e.description).sort()).toEqual(["endpoint A", "endpoint B"]);
    expect(listed.every((e) => !("secret" in e))).toBe(true);

    // A fails from now for a minute.
    const started = Date.now();
    recoversAt = started + OUTAGE_MS;
    const paymentIds: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < PAYMENTS) {
        const n = next++;
        const reference = `wh-${n}-${randomUUID().slice(0, 8)}`;
        const created = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment({ externalReference: reference }), { "idempotency-key": reference });
        expect(created.status).toBe(202);
        const paymentId = String(created.body.paymentId);
        paymentIds.push(paymentId);
        await watcher.waitFor(paymentId, "CREATED");
        const confirmed = await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": `${reference}-ok` });
        expect(confirmed.status).toBe(202);
        await watcher.waitFor(paymentId, "COMPLETED");
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const driven = Date.now();

    // What the public topic says happened, per payment, in order: what each endpoint must get.
    const expected = new Map<string, string[]>(paymentIds.map((id) => [id, []]));
    for (const e of watcher.events) expected.get(e.envelope.paymentId)?.push(e.envelope.eventId);
    const total = [...expected.values()].reduce((n, ids) => n + ids.length, 0);
    expect(total).toBe(PAYMENTS * 4);
    const complete = (r: Receiver) => () => r.seen.size >= total;

    await b.until(complete(b));
    const bDone = Date.now();
    await a.until(complete(a));
    const aDone = Date.now();

    const occurred = new Map(watcher.events.map((e) => [e.envelope.eventId, Date.parse(e.envelope.occurredAt)]));
    const bLag = b.arrivals.map((x) => x.at - (occurred.get(x.id) ?? x.at));
    console.log(
      `webhooks: ${PAYMENTS} payments driven in ${driven - started} ms; ${total} events; B (healthy) had all ${bDone - started} ms after the start, lag p50 ${percentile(bLag, 50)} ms p99 ${percentile(bLag, 99)} ms max ${Math.max(...bLag)} ms; ` +
        `A answered 500 ${a.refused} times in ${OUTAGE_MS} ms, had all ${aDone - recoversAt} ms after recovering; repeats A ${a.repeats} B ${b.repeats}`,
    );

    // B had everything while A was still failing; A got nothing until it recovered, then everything.
    expect(bDone).toBeLessThan(recoversAt);
    expect(a.refused).toBeGreaterThan(0);
    expect(Math.min(...a.arrivals.map((x) => x.at))).toBeGreaterThanOrEqual(recoversAt);
    for (const r of [a, b]) {
      expect(r.badSignatures).toBe(0);
      for (const [paymentId, ids] of expected) expect(r.unique.get(paymentId), paymentId).toEqual(ids);
      expect(r.seen.size).toBe(total);
    }
    // The delivery log: A's deliveries all DELIVERED, the first ones after several attempts.
    const log = await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints/${endpoints.A}/deliveries?limit=200`);
    expect(log.status).toBe(200);
    const deliveries = log.body.deliveries as Array<{ id: string; status: string; attempts: number; messageId: string; lastResponse: { status: number } }>;
    expect(deliveries).toHaveLength(200);
    expect(deliveries.every((d) => d.status === "DELIVERED" && d.lastResponse.status === 204)).toBe(true);
    const older = await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints/${endpoints.A}/deliveries?limit=200&before=${String(log.body.next)}`);
    expect((older.body.deliveries as unknown[]).length).toBe(200);
    expect((await http("GET", `${riel.ingressUrl}/v1/webhook-endpoints/${endpoints.A}/deliveries?limit=0`)).status).toBe(400);

    // The dashboard shows both endpoints' logs, in a real browser; the screenshot is kept as a CI artifact.
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
      expect((await page.goto(`${riel.ingressUrl}/dashboard/webhooks`))?.status()).toBe(200);
      for (const id of Object.values(endpoints)) {
        const rows = page.locator(`section[data-endpoint-id="${id}"] table.deliveries tbody tr`);
        expect(await rows.count()).toBe(50);
        expect(await rows.locator("td.delivery-DELIVERED").count()).toBe(50);
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL("webhooks.png", ARTIFACTS).pathname, fullPage: false });
    } finally {
      await browser.close();
    }

    // riel webhooks redeliver: the same message, same webhook-id, comes again.
    const chosen = deliveries[0];
    if (!chosen) throw new Error("no delivery to redeliver");
    const before = a.arrivals.filter((x) => x.id === chosen.messageId).length;
    const riel$ = rielCli(stack, riel.ingressUrl);
    const cli = await riel$(["webhooks", "redeliver", chosen.id]);
    expect(JSON.parse(cli.stdout)).toMatchObject({ id: chosen.id, status: "PENDING", attempts: 0 });
    await a.until(() => a.arrivals.filter((x) => x.id === chosen.messageId).length === before + 1);
    const bad = await riel$(["webhooks", "redeliver", "whd_0000"]).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/404 .*Webhook delivery not found/);
  }, 300_000);
});
