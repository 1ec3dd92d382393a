import type { BusObserver } from "@riel/bus";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Check } from "./readiness.js";

/** Seconds: from a Redis round trip to a slow provider's answer. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A provider call as the connector saw it. `outcome` is the port's answer (`ok`, `refused`, ...) or `error` when it threw. */
export interface ProviderCall {
  readonly provider: string;
  readonly operation: string;
  readonly outcome: string;
  readonly seconds: number;
}

/**
 * One service's Prometheus metrics (docs/operations.md lists them), in a registry of its own:
 * `pnpm start` runs every service in one process, and each still answers /metrics with its own.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** For `createBus`: records handled, dead letters, consumer lag, group membership. */
  readonly bus: BusObserver;
  httpRequest(request: { readonly method: string; readonly route: string; readonly status: number; readonly seconds: number }): void;
  providerCall(call: ProviderCall): void;
  /** A payment entered `status` from `previous` (null: its first status), as the status projector announced it. */
  statusEntered(payment: { readonly status: string; readonly previous: string | null; readonly method: string }): void;
  /** One reconciliation check of a payment with its provider (libs/connector reconciler). */
  reconciliationCheck(check: { readonly provider: string; readonly outcome: string }): void;
  /** The result of a readiness evaluation, to expose and to count changes of. */
  readiness(checks: readonly Check[]): void;
  /** One attempt at delivering a webhook to a merchant's endpoint, and how it ended. */
  webhookAttempt(attempt: { readonly outcome: "delivered" | "retry" | "failed"; readonly seconds: number }): void;
}

/*
 * Node's process metrics (CPU, memory, event loop, GC) are the process's, however many services
 * run in it: they are registered once per process and shared by every service's registry. Each
 * registration of them starts an event-loop monitor and a GC observer that are never stopped,
 * so one per service would pile them up in `pnpm start` and in tests that start Riel many times.
 */
let processMetrics: Registry | undefined;
function nodeProcessMetrics(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    // The event-loop lag histogram samples every 100 ms, not prom-client's 10: its timer was a
    // hundred wake-ups a second in every idle process, for a lag that alerts read over minutes.
    collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: 100 });
  }
  return processMetrics;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  const shared = nodeProcessMetrics();
  for (const { name } of shared.getMetricsAsArray()) {
    const metric = shared.getSingleMetric(name);
    if (metric) registry.registerMetric(metric);
  }
  const registers = [registry];

  const httpRequests = new Counter({
    name: "riel_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: "riel_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route pattern.",
    labelNames: ["method", "route"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const recordsHandled = new Counter({
    name: "riel_records_handled_total",
    help: "Tries at a consumed record, by topic and outcome: ok, retried (failed, tried again) or dead_lettered (failed for good).",
    labelNames: ["topic", "outcome"] as const,
    registers,
  });
  const handlerDuration = new Histogram({
    name: "riel_record_handler_duration_seconds",
    help: "Time of one try at a consumed record (decode, handler, publishing its records), by topic.",
    labelNames: ["topic"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const deadLetters = new Counter({
    name: "riel_dead_letters_total",
    help: "Records written to a dead-letter topic, by source topic and cause: undecodable, permanent or attempts_exhausted.",
    labelNames: ["topic", "cause"] as const,
    registers,
  });
  const consumerLag = new Gauge({
    name: "riel_consumer_lag",
    help: "Records of a partition this consumer has not handled yet (the partition's end minus the group's position).",
    labelNames: ["group", "topic", "partition"] as const,
    registers,
  });
  const groupMember = new Gauge({
    name: "riel_consumer_group_member",
    help: "1 while this service is a member of its consumer group, 0 otherwise.",
    labelNames: ["group"] as const,
    registers,
  });
  const providerCalls = new Counter({
    name: "riel_provider_calls_total",
    help: "Calls to a provider, by provider, operation and outcome: ok, refused, conflict, not_supported or error (a fault; the bus retries).",
    labelNames: ["provider", "operation", "outcome"] as const,
    registers,
  });
  const providerDuration = new Histogram({
    name: "riel_provider_call_duration_seconds",
    help: "Time of a call to a provider, by provider, operation and outcome.",
    labelNames: ["provider", "operation", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const statusEntered = new Counter({
    name: "riel_payments_entered_status_total",
    help: "Payments that entered a status, by status, the status they left (from; none for the first) and payment method.",
    labelNames: ["status", "from", "method"] as const,
    registers,
  });
  const reconciliationChecks = new Counter({
    name: "riel_reconciliation_checks_total",
    help: "Reconciliation checks of open payments with their provider, by provider and outcome (ASKED, NO_ORDER_YET, PROVIDER_UNAVAILABLE, NOT_ANSWERED, DONE, NOT_OURS).",
    labelNames: ["provider", "outcome"] as const,
    registers,
  });
  const webhookAttempts = new Counter({
    name: "riel_webhook_attempts_total",
    help: "Attempts at delivering a webhook to a merchant's endpoint, by outcome (delivered; retry: failed, tried again later; failed: given up after a day).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const webhookDuration = new Histogram({
    name: "riel_webhook_attempt_duration_seconds",
    help: "How long one webhook attempt took, connection to answer.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ready = new Gauge({
    name: "riel_ready",
    help: "1 when the last readiness evaluation found this dependency ready, 0 otherwise; check names the dependency.",
    labelNames: ["check"] as const,
    registers,
  });
  const readinessChanges = new Counter({
    name: "riel_readiness_changes_total",
    help: "Times a readiness check changed between ready and not ready.",
    labelNames: ["check"] as const,
    registers,
  });
  const lastReady = new Map<string, boolean>();

  return {
    registry,
    bus: {
      recordHandled({ topic, outcome, seconds }) {
        recordsHandled.inc({ topic, outcome });
        handlerDuration.observe({ topic }, seconds);
      },
      deadLettered({ topic, cause }) {
        deadLetters.inc({ topic, cause });
      },
      consumerLag({ group, topic, partition, lag }) {
        const labels = { group, topic, partition: String(partition) };
        if (lag === null) consumerLag.remove(labels);
        else consumerLag.set(labels, lag);
      },
      membership({ group, member }) {
        groupMember.set({ group }, member ? 1 : 0);
      },
    },
    httpRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    providerCall({ provider, operation, outcome, seconds }) {
      providerCalls.inc({ provider, operation, outcome });
      providerDuration.observe({ provider, operation, outcome }, seconds);
    },
    statusEntered({ status, previous, method }) {
      statusEntered.inc({ status, from: previous ?? "none", method });
    },
    reconciliationCheck({ provider, outcome }) {
      reconciliationChecks.inc({ provider, outcome });
    },
    webhookAttempt({ outcome, seconds }) {
      webhookAttempts.inc({ outcome });
      webhookDuration.observe(seconds);
    },
    readiness(checks) {
      for (const check of checks) {
        ready.set({ check: check.name }, check.ready ? 1 : 0);
        const before = lastReady.get(check.name);
        if (before !== undefined && before !== check.ready) readinessChanges.inc({ check: check.name });
        lastReady.set(check.name, check.ready);
      }
    },
  };
}
