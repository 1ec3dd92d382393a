import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import type { Infra, TraceRecorder } from "@riel/runtime";
import { connectInfra, infraFromEnv, recordTracesInMemory } from "@riel/runtime";
import { StatusWatcher, http, pixPayment, TEST_API_KEY } from "./harness.js";

// SpanKind of @opentelemetry/api, which this package does not depend on.
const SERVER = 1;
const CLIENT = 2;
const CONSUMER = 4;

describe("one payment is one trace, in memory", () => {
  let recorder: TraceRecorder;
  let riel: RunningRiel;
  let watcherInfra: Infra;
  let watcher: StatusWatcher;

  beforeAll(async () => {
    recorder = recordTracesInMemory();
    const infra = infraFromEnv({});
    if (infra.kind !== "embedded") throw new Error("expected the embedded infrastructure");
    riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
    watcherInfra = await connectInfra(infra, `e2e-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(watcherInfra.bus);
  });
  afterAll(async () => {
    await watcher?.stop();
    await riel?.stop();
    await watcherInfra?.close();
    await recorder?.stop();
  });

  it("carries the caller's traceparent through Kafka, the provider call and its callback to the projector", async () => {
    const traceId = randomUUID().replaceAll("-", "");
    const callerSpanId = randomUUID().replaceAll("-", "").slice(0, 16);
    const traceparent = `00-${traceId}-${callerSpanId}-01`;
    const created = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment(), { "idempotency-key": randomUUID(), traceparent });
    expect(created.status).toBe(202);
    const paymentId = created.body.paymentId as string;
    await watcher.waitFor(paymentId, "CREATED");
    const accepted = await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": randomUUID(), traceparent });
    expect(accepted.status).toBe(202);
    await watcher.waitFor(paymentId, "COMPLETED");
    await recorder.flush();

    const spans = recorder.spans();
    const tracesSeen = new Set(spans.map((s) => s.spanContext().traceId));
    expect([...tracesSeen]).toEqual([traceId]);
    const named = (kind: number, pattern: RegExp) => spans.filter((s) => s.kind === kind && pattern.test(s.name));

    // The ingress requests: children of the caller's span.
    const ingress = named(SERVER, /^POST \/v1\/payments/);
    expect(ingress.map((s) => s.attributes["http.route"]).sort()).toEqual(["/v1/payments", "/v1/payments/:id/confirm"]);
    for (const s of ingress) expect(s.parentSpanContext?.spanId).toBe(callerSpanId);

    // The commands, each handled in the Depay connector's consumer span, a child of its ingress request.
    const commands = named(CONSUMER, /^process riel\.payment-commands\.v1$/).filter((s) => s.attributes["messaging.consumer.group.name"] === "riel.depay-connector");
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const ingressIds = new Set(ingress.map((s) => s.spanContext().spanId));
    for (const s of commands) expect(ingressIds.has(s.parentSpanContext?.spanId ?? "")).toBe(true);

    // Depay's HTTP calls, children of a command's span.
    const calls = named(CLIENT, /^depay (POST|PUT|GET)$/);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    const commandIds = new Set(commands.map((s) => s.spanContext().spanId));
    for (const s of calls) expect(commandIds.has(s.parentSpanContext?.spanId ?? "")).toBe(true);

    // Depay's callbacks (preview and outcome) came back in the trace through the callback URL.
    const callbacks = named(SERVER, /^POST \/webhooks\//);
    expect(callbacks.length).toBeGreaterThanOrEqual(2);
    for (const s of callbacks) {
      expect(s.attributes["http.response.status_code"]).toBe(200);
      expect(ingressIds.has(s.parentSpanContext?.spanId ?? "")).toBe(true);
    }

    // The projector handled the provider events in the callbacks' trace.
    const projected = named(CONSUMER, /^process riel\.provider-events\.v1$/).filter((s) => s.attributes["messaging.consumer.group.name"] === "riel.status-projector");
    const callbackIds = new Set(callbacks.map((s) => s.spanContext().spanId));
    expect(projected.filter((s) => callbackIds.has(s.parentSpanContext?.spanId ?? "")).length).toBeGreaterThanOrEqual(2);
  });
});
