import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import type { Infra } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { StatusWatcher, http, pixPayment, TEST_API_KEY } from "./harness.js";
import type { Family } from "./prometheus-text.js";
import { parseExposition, samplesOf, sumOf } from "./prometheus-text.js";

const RIEL_SERVICES = ["webhook-receiver", "ingress-api", "depay-connector", "tumipay-connector", "status-projector", "merchant-webhooks"];
const CONSUMERS: Readonly<Record<string, string>> = {
  "depay-connector": "riel.depay-connector",
  "tumipay-connector": "riel.tumipay-connector",
  "status-projector": "riel.status-projector",
  "merchant-webhooks": "riel.merchant-webhooks",
};

describe("health and metrics of every service, as a payment goes through Riel in memory", () => {
  let riel: RunningRiel;
  let watcherInfra: Infra;
  let watcher: StatusWatcher;

  beforeAll(async () => {
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
  });

  const metricsOf = async (service: string): Promise<Map<string, Family>> => {
    const url = riel.operations[service];
    if (!url) throw new Error(`${service} serves no operations endpoints`);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };
  const metricsOfAll = async (): Promise<Record<string, Map<string, Family>>> =>
    Object.fromEntries(await Promise.all(RIEL_SERVICES.map(async (s) => [s, await metricsOf(s)] as const)));

  it("answers /healthz and /readyz on every service, the HTTP ones on their own port", async () => {
    expect(Object.keys(riel.operations).sort()).toEqual([...RIEL_SERVICES].sort());
    expect(riel.operations["ingress-api"]).toBe(riel.ingressUrl);
    expect(riel.operations["webhook-receiver"]).toBe(riel.webhookUrl);
    for (const service of RIEL_SERVICES) {
      const url = riel.operations[service] as string;
      const health = await http("GET", `${url}/healthz`);
      expect(health.status, service).toBe(200);
      expect(health.body).toEqual({ status: "ok" });
      const ready = await http("GET", `${url}/readyz`);
      expect(ready.status, service).toBe(200);
      expect(ready.body.status).toBe("ready");
      const names = (ready.body.checks as Array<{ name: string; ready: boolean }>).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(["bus", "store"]));
      const group = CONSUMERS[service];
      if (group) expect(ready.body.checks).toContainEqual({ name: `consumer-group ${group}`, ready: true, detail: null });
      else expect(names.some((n) => n.startsWith("consumer-group"))).toBe(false);
    }
  });

  it("serves metrics that parse as Prometheus text, with Node's process metrics and every Riel metric declared", async () => {
    const all = await metricsOfAll();
    for (const [service, families] of Object.entries(all)) {
      for (const name of [
        "process_cpu_seconds_total",
        "nodejs_eventloop_lag_seconds",
        "nodejs_heap_size_used_bytes",
        "riel_http_requests_total",
        "riel_http_request_duration_seconds",
        "riel_records_handled_total",
        "riel_record_handler_duration_seconds",
        "riel_dead_letters_total",
        "riel_consumer_lag",
        "riel_consumer_group_member",
        "riel_provider_calls_total",
        "riel_provider_call_duration_seconds",
        "riel_payments_entered_status_total",
        "riel_reconciliation_checks_total",
        "riel_webhook_attempts_total",
        "riel_webhook_attempt_duration_seconds",
        "riel_ready",
        "riel_readiness_changes_total",
      ]) {
        expect(families.has(name), `${service}: ${name}`).toBe(true);
      }
    }
    expect(all["status-projector"]?.get("riel_payments_entered_status_total")?.type).toBe("counter");
    expect(all["ingress-api"]?.get("riel_http_request_duration_seconds")?.type).toBe("histogram");
    // The readiness evaluated above shows up as a gauge per check.
    expect(sumOf(all["status-projector"] as Map<string, Family>, "riel_ready", { check: "consumer-group riel.status-projector" })).toBe(1);
    expect(sumOf(all["status-projector"] as Map<string, Family>, "riel_consumer_group_member", { group: "riel.status-projector" })).toBe(1);
  });

  it("moves as a Pix payment is made, accepted and completed", async () => {
    const before = await metricsOfAll();

    const created = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment(), { "idempotency-key": randomUUID() });
    expect(created.status).toBe(202);
    const paymentId = created.body.paymentId as string;
    await watcher.waitFor(paymentId, "CREATED");
    const view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    expect(view.status).toBe(200);
    const accepted = await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": randomUUID() });
    expect(accepted.status).toBe(202);
    await watcher.waitFor(paymentId, "COMPLETED");

    // The projector announced COMPLETED before the watcher heard it: its counter has moved already.
    const after = await metricsOfAll();
    const moved = (service: string, name: string, labels: Record<string, string> = {}): number =>
      sumOf(after[service] as Map<string, Family>, name, labels) - sumOf(before[service] as Map<string, Family>, name, labels);
    /** The route label matching `pattern` (the parameter's name is the app's to choose). */
    const route = (pattern: RegExp): string => {
      const found = samplesOf(after["ingress-api"] as Map<string, Family>, "riel_http_requests_total").find((s) => pattern.test(s.labels.route ?? ""));
      return found?.labels.route ?? `no route label matches ${String(pattern)}`;
    };

    // HTTP requests, by route pattern: the payment's id is in no label.
    expect(moved("ingress-api", "riel_http_requests_total", { method: "POST", route: "/v1/payments", status: "202" })).toBe(1);
    expect(moved("ingress-api", "riel_http_request_duration_seconds_count", { method: "POST", route: "/v1/payments" })).toBe(1);
    expect(moved("ingress-api", "riel_http_requests_total", { method: "POST", route: route(/^\/v1\/payments\/:\w+\/confirm$/), status: "202" })).toBe(1);
    expect(moved("ingress-api", "riel_http_requests_total", { method: "GET", route: route(/^\/v1\/payments\/:\w+$/), status: "200" })).toBe(1);
    expect(moved("webhook-receiver", "riel_http_requests_total", { method: "POST", route: "/webhooks/:provider/:paymentId/:token" })).toBeGreaterThanOrEqual(2);
    for (const service of RIEL_SERVICES) {
      for (const family of (after[service] as Map<string, Family>).values()) {
        for (const sample of family.samples) expect(JSON.stringify(sample.labels), `${service} ${sample.name}`).not.toContain(paymentId);
      }
    }

    // Provider calls: Depay's initiate and confirm, each once and ok, timed.
    expect(moved("depay-connector", "riel_provider_calls_total", { provider: "depay", operation: "initiate", outcome: "ok" })).toBe(1);
    expect(moved("depay-connector", "riel_provider_calls_total", { provider: "depay", operation: "confirm", outcome: "ok" })).toBe(1);
    expect(moved("depay-connector", "riel_provider_call_duration_seconds_count", { provider: "depay", operation: "confirm" })).toBe(1);
    expect(moved("tumipay-connector", "riel_provider_calls_total")).toBe(0);

    // Payments entering each status, by method, and the status each left.
    for (const [status, from] of [
      ["RECEIVED", "none"],
      ["CREATED", "RECEIVED"],
      ["PROCESSING", "CREATED"],
      ["COMPLETED", "PROCESSING"],
    ] as const) {
      expect(moved("status-projector", "riel_payments_entered_status_total", { status, method: "PIX_KEY" }), status).toBe(1);
      expect(moved("status-projector", "riel_payments_entered_status_total", { status, from, method: "PIX_KEY" }), `${from} -> ${status}`).toBe(1);
    }

    // Records handled: both commands by both connectors (each sees every command); the projector's events.
    const commands = topics.paymentCommands.name;
    expect(moved("depay-connector", "riel_records_handled_total", { topic: commands, outcome: "ok" })).toBe(2);
    expect(moved("tumipay-connector", "riel_records_handled_total", { topic: commands, outcome: "ok" })).toBe(2);
    expect(moved("depay-connector", "riel_record_handler_duration_seconds_count", { topic: commands })).toBe(2);
    expect(moved("status-projector", "riel_records_handled_total", { topic: topics.providerEvents.name, outcome: "ok" })).toBeGreaterThanOrEqual(3);
    expect(moved("status-projector", "riel_dead_letters_total")).toBe(0);

    // Lag per partition of each topic the projector reads, 0 once it has caught up.
    const lag = samplesOf(after["status-projector"] as Map<string, Family>, "riel_consumer_lag");
    expect(new Set(lag.map((s) => s.labels.topic))).toEqual(new Set([commands, topics.providerEvents.name]));
    expect(lag.every((s) => s.labels.group === "riel.status-projector" && /^\d+$/.test(s.labels.partition ?? ""))).toBe(true);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const now = samplesOf(await metricsOf("status-projector"), "riel_consumer_lag");
      if (now.every((s) => s.value === 0)) break;
      expect(Date.now(), `the projector's lag never reached 0: ${JSON.stringify(now)}`).toBeLessThan(deadline);
    }
  });

  it("labels a path no route matches as unmatched, never with the path", async () => {
    const before = await metricsOf("ingress-api");
    const res = await fetch(`${riel.ingressUrl}/v2/${randomUUID()}/nothing`);
    await res.body?.cancel();
    expect(res.status).toBe(404);
    const after = await metricsOf("ingress-api");
    expect(sumOf(after, "riel_http_requests_total", { route: "unmatched", status: "404" }) - sumOf(before, "riel_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    expect(samplesOf(after, "riel_http_requests_total").every((s) => !s.labels.route?.startsWith("/v2"))).toBe(true);
  });
});
