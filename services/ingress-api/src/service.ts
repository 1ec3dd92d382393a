import { randomUUID } from "node:crypto";
import type { Subscription } from "@riel/bus";
import { deadLetterHeaders, defaultDeadLetterTopic } from "@riel/bus";
import type { Infra, Log, RateRule, RunningHttp } from "@riel/runtime";
import { ApiKeys, apiKeyRecordOf, listen, SCOPES, withOperations } from "@riel/runtime";
import { topics } from "@riel/schemas";
import { createIngressApp } from "./app.js";
import type { DashboardAccess } from "./dashboard/index.js";
import { LiveFeed } from "./dashboard/index.js";

export interface IngressOptions {
  readonly port: number;
  readonly host?: string;
  readonly log: Log;
  /**
   * A key with every scope, from configuration (INGRESS_API_KEY): the first key of a deployment,
   * and the development key of `pnpm start`. Checked in memory, never stored.
   */
  readonly apiKey?: string;
  readonly afterPublish?: (paymentId: string) => void;
  /** Requests per API key and route (INGRESS_RATE_LIMIT). */
  readonly rateRule?: RateRule;
  /** Serve the dashboard at /dashboard: open (the embedded mode) or behind DASHBOARD_TOKEN; absent: not served. */
  readonly dashboard?: DashboardAccess;
}

/**
 * The dashboard's news: the public events topic from now on, and every dead letter kept, each
 * through a consumer group of this instance's own (so each instance sees every partition).
 */
async function followNews(infra: Infra, feed: LiveFeed): Promise<Subscription[]> {
  const instance = randomUUID().slice(0, 12);
  const events = await infra.bus.subscribe({
    group: `riel.dashboard.${instance}`,
    topics: [topics.paymentEvents.name],
    startAt: "latest",
    handler: async (record) => {
      if (record.type !== "riel.events.PaymentStatusChanged") return;
      const e = record.value;
      feed.publish({ kind: "payment", paymentId: e.envelope.paymentId, status: e.status, previousStatus: e.previousStatus, final: e.final, method: e.method ?? "?", provider: e.provider ?? "?", source: e.source, at: e.envelope.occurredAt });
    },
  });
  const letters = await infra.bus.subscribeRaw({
    group: `riel.dashboard-dlq.${instance}`,
    topics: Object.values(topics).map((t) => defaultDeadLetterTopic(t.name)),
    handler: async (record) => {
      const h = record.headers;
      feed.publish({
        kind: "dead-letter",
        id: `${record.topic}/${record.partition}/${record.offset}`,
        sourceTopic: h[deadLetterHeaders.sourceTopic] ?? "?",
        group: h[deadLetterHeaders.group] ?? "?",
        reason: (h[deadLetterHeaders.reason] ?? "").slice(0, 500),
        failedAt: h[deadLetterHeaders.failedAt] ?? "",
        attempts: h[deadLetterHeaders.attempts] ?? "",
        key: record.key,
      });
    },
  });
  return [events, letters];
}

/** The ingress API, with /healthz, /readyz and /metrics on the same port. */
export async function startIngress(infra: Infra, options: IngressOptions): Promise<RunningHttp> {
  const configured = options.apiKey === undefined ? [] : [apiKeyRecordOf(options.apiKey, { name: "INGRESS_API_KEY", scopes: SCOPES }, new Date())];
  const apiKeys = new ApiKeys(infra.store.apiKeys, { configured });
  const feed = options.dashboard ? new LiveFeed() : null;
  const subscriptions = feed ? await followNews(infra, feed) : [];
  const app = createIngressApp({
    bus: infra.bus,
    store: infra.store,
    log: options.log,
    apiKeys,
    afterPublish: options.afterPublish,
    rateRule: options.rateRule,
    dashboard: feed && options.dashboard ? { feed, access: options.dashboard } : undefined,
  });
  const http = await listen(withOperations(app.fetch, infra, { routes: app.routes }), options.port, options.host);
  return {
    url: http.url,
    async stop() {
      // Open dashboard streams end first: the server waits for its connections to close.
      feed?.close();
      await Promise.all(subscriptions.map((s) => s.stop()));
      await http.stop();
    },
  };
}
