// `riel payments get|find` and `riel tail` as an operator runs them, against Riel on the real stack.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import type { Infra, InfraSettings } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";
import { http, pixPayment, realInfra, StatusWatcher, TEST_API_KEY } from "./harness.js";

const stack = requireStack();
const ROOT = new URL("../../", import.meta.url).pathname;

describe("the riel CLI against a running Riel", () => {
  const settings: InfraSettings = realInfra(stack);
  let riel: RunningRiel;
  let infra: Infra;
  let watcher: StatusWatcher;
  const riel$ = (args: string[]) =>
    promisify(execFile)(process.execPath, ["services/cli/bin/riel.js", ...args], {
      cwd: ROOT,
      env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers.join(","), SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, REDIS_URL: stack.redisUrl, RIEL_URL: riel.ingressUrl, RIEL_API_KEY: TEST_API_KEY },
      maxBuffer: 64 * 1024 * 1024,
    });

  beforeAll(async () => {
    riel = await startEmbedded({ infra: settings, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
    infra = await connectInfra(settings, `riel-cli-test-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(infra.bus);
    for (const url of Object.values(riel.operations)) {
      while ((await fetch(`${url}/readyz`)).status !== 200) await delay(100);
    }
  });

  afterAll(async () => {
    await watcher?.stop();
    await riel?.stop();
    await infra?.close();
  });

  it("gets and finds a payment, and tails its records decoded, in order", async () => {
    const reference = `cli-${randomUUID().slice(0, 8)}`;
    const created = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment({ externalReference: reference }), { "idempotency-key": reference });
    const paymentId = (created.body as { paymentId: string }).paymentId;
    await watcher.waitFor(paymentId, "CREATED");
    await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": `${reference}-ok` });
    await watcher.waitFor(paymentId, "COMPLETED");

    const got = JSON.parse((await riel$(["payments", "get", paymentId])).stdout) as { paymentId: string; status: string };
    expect(got).toMatchObject({ paymentId, status: "COMPLETED" });
    const found = JSON.parse((await riel$(["payments", "find", "--external-reference", reference])).stdout) as Array<{ paymentId: string }>;
    expect(found.map((p) => p.paymentId)).toEqual([paymentId]);
    const missing = await riel$(["payments", "get", randomUUID()]).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(missing?.code).toBe(1);
    expect(missing?.stderr).toMatch(/404 .*Payment not found/);

    const lines = (await riel$(["tail", topics.paymentEvents.name, "--from-beginning", "--payment", paymentId, "--max", "4"])).stdout.trim().split("\n");
    const records = lines.map((l) => JSON.parse(l) as { type: string; key: string; value: { status: string; envelope: { paymentId: string } } });
    expect(records.map((r) => r.type)).toEqual(Array(4).fill("riel.events.PaymentStatusChanged"));
    expect(records.map((r) => r.value.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(records.every((r) => r.key === paymentId && r.value.envelope.paymentId === paymentId)).toBe(true);
  });
});
