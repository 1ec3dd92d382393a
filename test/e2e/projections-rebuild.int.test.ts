// After a Redis data loss: every flow of every method is run on the real stack, each payment's
// projection and due check read, Redis wiped with FLUSHALL, and `riel projections rebuild` run as
// an operator would. Every projection comes back identical, and reconciliation's due checks too.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import { paymentKey } from "@riel/payments";
import type { Infra, InfraSettings } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";
import type { FlowEnv } from "./api.js";
import { FLOWS, runFlow } from "./flows.js";
import { http, realInfra, StatusWatcher, TEST_API_KEY } from "./harness.js";

const stack = requireStack();
const ROOT = new URL("../../", import.meta.url).pathname;
const env = { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers.join(","), SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, REDIS_URL: stack.redisUrl };

describe("riel projections rebuild", () => {
  const settings: InfraSettings = realInfra(stack);
  let riel: RunningRiel | undefined;
  let infra: Infra;
  let watcher: StatusWatcher;
  let redis: Redis;

  const start = async (): Promise<FlowEnv> => {
    riel = await startEmbedded({ infra: settings, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
    const r = riel;
    return {
      ingressUrl: r.ingressUrl,
      webhookUrl: r.webhookUrl,
      sandboxUrl: r.sandboxUrl,
      tumipaySandboxUrl: r.tumipaySandboxUrl,
      webhookSecret: r.webhookSecret,
      publishCommand: (paymentId, record) => infra.bus.publish(topics.paymentCommands.name, paymentId, record),
      watcher,
      topicCount: async () => 0,
      stop: () => r.stop(),
    };
  };

  beforeAll(async () => {
    infra = await connectInfra(settings, `riel-rebuild-test-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(infra.bus);
    redis = new Redis(stack.redisUrl);
  });

  afterAll(async () => {
    await riel?.stop();
    await watcher?.stop();
    await infra?.close();
    redis?.disconnect();
  });

  it("gives back every payment's projection identical after FLUSHALL, and its due check", async () => {
    const started = Date.now();
    const flowEnv = await start();
    const ids: string[] = [];
    for (const flow of FLOWS) ids.push(await runFlow(flowEnv, flow));
    await riel?.stop();
    riel = undefined;

    const snapshot = async () =>
      Promise.all(
        ids.map(async (id) => {
          const stored = await infra.store.projections.read(paymentKey(id));
          const view = stored === null ? null : (JSON.parse(stored.value) as { view: { provider: string; final: boolean } });
          const due = view === null ? null : await infra.store.due.dueAt(view.view.provider, id);
          return { id, value: stored === null ? null : (JSON.parse(stored.value) as unknown), due: due !== null };
        }),
      );
    const before = await snapshot();
    expect(before.every((b) => b.value !== null)).toBe(true);
    const listedBefore = (await infra.store.projections.list({ limit: 100_000 })).filter((e) => ids.includes(e.id.slice("payment:".length))).length;

    await redis.flushall();
    expect((await snapshot()).every((b) => b.value === null)).toBe(true);

    const run = await promisify(execFile)(process.execPath, ["services/cli/bin/riel.js", "projections", "rebuild"], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as { payments: number; records: number; skipped: number; undecodable: number };
    expect(report.payments).toBeGreaterThanOrEqual(ids.length);

    const after = await snapshot();
    for (const [i, b] of before.entries()) expect(after[i], `payment ${b.id} (${FLOWS[i]?.name})`).toEqual(b);
    // Listed again too: GET /v1/payments finds them.
    expect((await infra.store.projections.list({ limit: 100_000 })).filter((e) => ids.includes(e.id.slice("payment:".length))).length).toBe(listedBefore);

    // A second run changes nothing.
    await promisify(execFile)(process.execPath, ["services/cli/bin/riel.js", "projections", "rebuild"], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    expect(await snapshot()).toEqual(before);

    // Riel carries on from the rebuilt state: a paid payment is read and refunded again.
    const again = await start();
    const paid = before.find((b) => (b.value as { view: { status: string; method: string } }).view.status === "COMPLETED" && (b.value as { view: { method: string } }).view.method === "PIX_KEY");
    expect(paid).toBeDefined();
    const refund = await http("POST", `${again.ingressUrl}/v1/payments/${paid?.id}/refunds`, { amount: { amount: "1.00", currency: "BRL" } }, { "idempotency-key": randomUUID() });
    expect(refund.status, JSON.stringify(refund.body)).toBe(202);
    // What is left to refund was read from the rebuilt projection (the restarted sandbox no longer knows the order, so the refund goes no further).
    const view = (await http("GET", `${again.ingressUrl}/v1/payments/${paid?.id}`)).body as { refunds: Array<{ amount: { amount: string } }> };
    expect(view.refunds.map((r) => r.amount.amount)).toEqual(["1.00"]);
    const tooMuch = await http("POST", `${again.ingressUrl}/v1/payments/${paid?.id}/refunds`, { amount: { amount: "10.00", currency: "BRL" } }, { "idempotency-key": randomUUID() });
    expect(tooMuch.status, JSON.stringify(tooMuch.body)).toBe(422);
    console.log(`projections rebuild: ${ids.length} flows' payments compared equal after FLUSHALL in ${Date.now() - started} ms in all; the rebuild read ${report.records} records of ${report.payments} payments (skipped ${report.skipped}, undecodable ${report.undecodable})`);
  }, 300_000);
});
