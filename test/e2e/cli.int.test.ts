// `riel payments get|find` and `riel tail` as an operator runs them, against Riel on the real stack.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";
import { http, pixPayment } from "./harness.js";
import type { OnStack } from "./on-stack.js";
import { rielCli, startOnStack } from "./on-stack.js";

const stack = requireStack();

describe("the riel CLI against a running Riel", () => {
  let on: OnStack;
  let riel: OnStack["riel"];
  let watcher: OnStack["watcher"];
  let riel$: ReturnType<typeof rielCli>;

  beforeAll(async () => {
    on = await startOnStack(stack, "cli-test");
    ({ riel, watcher } = on);
    riel$ = rielCli(stack, riel.ingressUrl);
  });

  afterAll(async () => {
    await on?.stop();
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
