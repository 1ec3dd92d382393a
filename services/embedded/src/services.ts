import { startDepayConnector } from "@riel/depay-connector";
import { startDepaySandbox } from "@riel/depay-sandbox";
import type { DashboardAccess } from "@riel/ingress-api";
import { startIngress } from "@riel/ingress-api";
import { startMerchantWebhooks } from "@riel/merchant-webhooks";
import { PROVIDERS } from "@riel/providers";
import type { Infra, Log } from "@riel/runtime";
import { startStatusProjector } from "@riel/status-projector";
import { startTumipayConnector } from "@riel/tumipay-connector";
import { startTumipaySandbox } from "@riel/tumipay-sandbox";
import { startWebhookReceiver } from "@riel/webhook-receiver";

/** The HTTP addresses services give each other. */
export type Role = "depaySandbox" | "tumipaySandbox" | "webhook" | "ingress";

/** What services share: secrets both ends must agree on, and where earlier services listen. */
export interface SharedSettings {
  readonly sandboxToken: string;
  readonly webhookSecret: string;
  /** The ingress's configured API key (INGRESS_API_KEY): every scope. */
  readonly apiKey: string;
  readonly sandboxCallbackDelayMs: number;
  /** The ingress serves the dashboard at /dashboard: open, or behind DASHBOARD_TOKEN; absent: not served. */
  readonly dashboard?: DashboardAccess;
  readonly urls: Readonly<Partial<Record<Role, string>>>;
  /** Merchant webhooks' backoff, when not a day of it from 5 s (tests shrink it). */
  readonly webhookRetry?: { readonly baseMs: number; readonly maxMs: number };
  /** Reconciliation pace, when not the defaults (tests shrink the delays). */
  readonly reconcile?: { readonly scale: number; readonly pollMs: number; readonly attentionAfterMs?: number };
}

/** The reconciliation variables of the connectors and the projector, when the settings change them. */
const reconcileEnv = (s: SharedSettings, withPoll: boolean): Record<string, string> =>
  s.reconcile
    ? {
        RECONCILE_SCALE: String(s.reconcile.scale),
        ...(withPoll ? { RECONCILE_POLL_MS: String(s.reconcile.pollMs) } : {}),
        ...(withPoll && s.reconcile.attentionAfterMs !== undefined ? { RECONCILE_ATTENTION_AFTER_MS: String(s.reconcile.attentionAfterMs) } : {}),
      }
    : {};

export interface StartedService {
  /** Its address when it serves HTTP. */
  readonly url: string | null;
  /** Where it answers /healthz, /readyz and /metrics (its own address for an HTTP service). */
  readonly operationsUrl: string | null;
  stop(): Promise<void>;
}

/** An operations port of its own: /healthz, /readyz and /metrics for a service that serves no HTTP. */
export interface OperationsPort {
  readonly portVar: "OPS_PORT";
  readonly hostVar: "OPS_HOST";
  /** Its port in a container, published on the host as the same number. */
  readonly containerPort: number;
}

/**
 * One service of Riel (or a provider sandbox), described once for every way Riel runs: in one
 * process (`pnpm start`), each in its own process (the end-to-end cluster), and in containers
 * (docker-compose.yml, generated from this list by scripts/compose.ts).
 */
export interface ServiceDefinition {
  readonly name: string;
  /** Its entry point, run as `node --import tsx <script>`. */
  readonly script: string;
  /** Connects to Kafka, Redis and the registry. */
  readonly usesInfra: boolean;
  /** When it serves HTTP: the address it provides, the variables naming its port and host, and its port in a container. */
  readonly serves: { readonly role: Role; readonly portVar: string; readonly hostVar: string; readonly containerPort: number } | null;
  /**
   * Where it answers /healthz, /readyz and /metrics: on its HTTP port ("serves"), on an operations
   * port of its own, or nowhere (the sandboxes, which stand for the providers and import nothing of Riel's).
   */
  readonly operations: "serves" | OperationsPort | null;
  /** What docker-compose's healthcheck asks for (a 2xx answer is healthy), on its HTTP or operations port. */
  readonly healthPath: string;
  /** The line its process prints once ready; for an HTTP service the first group is its address. */
  readonly ready: RegExp;
  /** Its own variables (not the infrastructure's, not its port), from what earlier services provide. */
  env(shared: SharedSettings): Record<string, string>;
  /** Starts it inside this process, on `infra` when it uses any. */
  start(infra: Infra | null, shared: SharedSettings, options: { readonly port: number; readonly operationsPort?: number; readonly log: Log }): Promise<StartedService>;
}

const need = (shared: SharedSettings, role: Role): string => {
  const url = shared.urls[role];
  if (url === undefined) throw new Error(`no ${role} address yet: SERVICES must start it earlier`);
  return url;
};
const needInfra = (infra: Infra | null, name: string): Infra => {
  if (!infra) throw new Error(`${name} needs the infrastructure`);
  return infra;
};
const LISTENING = /listening on (http:\/\/[^"\s]+)/;
/** The sandboxes' health: they answer (GET /__sandbox/calls is the same in both). */
const SANDBOX_ALIVE = "/__sandbox/calls";
const ops = (containerPort: number): OperationsPort => ({ portVar: "OPS_PORT", hostVar: "OPS_HOST", containerPort });
/** TumiPay's two credentials, made from the one shared sandbox token. */
const tumipayBasic = (s: SharedSettings): string => Buffer.from(`riel:${s.sandboxToken}`).toString("base64");

/** In start order: each service finds the addresses of the ones before it. */
export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: "depay-sandbox",
    script: "services/depay-sandbox/src/main.ts",
    usesInfra: false,
    serves: { role: "depaySandbox", portVar: "DEPAY_SANDBOX_PORT", hostVar: "DEPAY_SANDBOX_HOST", containerPort: 8099 },
    operations: null,
    healthPath: SANDBOX_ALIVE,
    ready: LISTENING,
    env: (s) => ({ DEPAY_SANDBOX_TOKEN: s.sandboxToken, DEPAY_SANDBOX_CALLBACK_DELAY_MS: String(s.sandboxCallbackDelayMs) }),
    async start(_infra, s, { port }) {
      const sandbox = await startDepaySandbox({ port, token: s.sandboxToken, callbackDelayMs: s.sandboxCallbackDelayMs });
      return { url: sandbox.url, operationsUrl: null, stop: () => sandbox.close() };
    },
  },
  {
    name: "tumipay-sandbox",
    script: "services/tumipay-sandbox/src/main.ts",
    usesInfra: false,
    serves: { role: "tumipaySandbox", portVar: "TUMIPAY_SANDBOX_PORT", hostVar: "TUMIPAY_SANDBOX_HOST", containerPort: 8098 },
    operations: null,
    healthPath: SANDBOX_ALIVE,
    ready: LISTENING,
    env: (s) => ({ TUMIPAY_SANDBOX_TOKEN_TOP: s.sandboxToken, TUMIPAY_SANDBOX_BASIC: tumipayBasic(s), TUMIPAY_SANDBOX_CALLBACK_DELAY_MS: String(s.sandboxCallbackDelayMs) }),
    async start(_infra, s, { port }) {
      const sandbox = await startTumipaySandbox({ port, tokenTop: s.sandboxToken, basic: tumipayBasic(s), callbackDelayMs: s.sandboxCallbackDelayMs });
      return { url: sandbox.url, operationsUrl: null, stop: () => sandbox.close() };
    },
  },
  {
    name: "webhook-receiver",
    script: "services/webhook-receiver/src/main.ts",
    usesInfra: true,
    serves: { role: "webhook", portVar: "WEBHOOK_PORT", hostVar: "WEBHOOK_HOST", containerPort: 8090 },
    operations: "serves",
    healthPath: "/readyz",
    ready: LISTENING,
    env: (s) => ({ WEBHOOK_SECRET: s.webhookSecret }),
    async start(infra, s, { port, log }) {
      const http = await startWebhookReceiver(needInfra(infra, "webhook-receiver"), {
        port,
        webhooks: PROVIDERS.map((p) => p.webhooks),
        secret: () => s.webhookSecret,
        log,
      });
      return { url: http.url, operationsUrl: http.url, stop: () => http.stop() };
    },
  },
  {
    name: "ingress-api",
    script: "services/ingress-api/src/main.ts",
    usesInfra: true,
    serves: { role: "ingress", portVar: "INGRESS_PORT", hostVar: "INGRESS_HOST", containerPort: 8080 },
    operations: "serves",
    healthPath: "/readyz",
    ready: LISTENING,
    env: (s) => ({ INGRESS_API_KEY: s.apiKey, ...(s.dashboard?.kind === "token" ? { DASHBOARD_TOKEN: s.dashboard.token } : {}) }),
    async start(infra, s, { port, log }) {
      const http = await startIngress(needInfra(infra, "ingress-api"), { port, log, apiKey: s.apiKey, dashboard: s.dashboard });
      return { url: http.url, operationsUrl: http.url, stop: () => http.stop() };
    },
  },
  {
    name: "depay-connector",
    script: "services/depay-connector/src/main.ts",
    usesInfra: true,
    serves: null,
    operations: ops(9401),
    healthPath: "/readyz",
    ready: /consuming commands/,
    env: (s) => ({
      DEPAY_BASE_URL: need(s, "depaySandbox"),
      DEPAY_TOKEN: s.sandboxToken,
      WEBHOOK_PUBLIC_URL: need(s, "webhook"),
      WEBHOOK_SECRET: s.webhookSecret,
      ...reconcileEnv(s, true),
    }),
    async start(infra, s, { operationsPort, log }) {
      const connector = await startDepayConnector(needInfra(infra, "depay-connector"), {
        depayBaseUrl: need(s, "depaySandbox"),
        depayToken: () => s.sandboxToken,
        webhookBaseUrl: need(s, "webhook"),
        webhookSecret: () => s.webhookSecret,
        log,
        operations: { port: operationsPort ?? 0 },
        reconcile: s.reconcile,
      });
      return { url: null, operationsUrl: connector.operationsUrl, stop: () => connector.stop() };
    },
  },
  {
    name: "tumipay-connector",
    script: "services/tumipay-connector/src/main.ts",
    usesInfra: true,
    serves: null,
    operations: ops(9402),
    healthPath: "/readyz",
    ready: /consuming commands/,
    env: (s) => ({
      TUMIPAY_BASE_URL: need(s, "tumipaySandbox"),
      TUMIPAY_TOKEN_TOP: s.sandboxToken,
      TUMIPAY_BASIC: tumipayBasic(s),
      WEBHOOK_PUBLIC_URL: need(s, "webhook"),
      WEBHOOK_SECRET: s.webhookSecret,
      ...reconcileEnv(s, true),
    }),
    async start(infra, s, { operationsPort, log }) {
      const connector = await startTumipayConnector(needInfra(infra, "tumipay-connector"), {
        tumipayBaseUrl: need(s, "tumipaySandbox"),
        tumipayTokenTop: () => s.sandboxToken,
        tumipayBasic: () => tumipayBasic(s),
        webhookBaseUrl: need(s, "webhook"),
        webhookSecret: () => s.webhookSecret,
        log,
        operations: { port: operationsPort ?? 0 },
        reconcile: s.reconcile,
      });
      return { url: null, operationsUrl: connector.operationsUrl, stop: () => connector.stop() };
    },
  },
  {
    name: "status-projector",
    script: "services/status-projector/src/main.ts",
    usesInfra: true,
    serves: null,
    operations: ops(9403),
    healthPath: "/readyz",
    ready: /projecting payment events/,
    env: (s) => reconcileEnv(s, false),
    async start(infra, s, { operationsPort, log }) {
      const projector = await startStatusProjector(needInfra(infra, "status-projector"), { log, operations: { port: operationsPort ?? 0 }, reconcileScale: s.reconcile?.scale });
      return { url: null, operationsUrl: projector.operationsUrl, stop: () => projector.stop() };
    },
  },
  {
    name: "merchant-webhooks",
    script: "services/merchant-webhooks/src/main.ts",
    usesInfra: true,
    serves: null,
    operations: ops(9404),
    healthPath: "/readyz",
    ready: /delivering merchant webhooks/,
    env: (s): Record<string, string> => (s.webhookRetry ? { WEBHOOK_RETRY_BASE_MS: String(s.webhookRetry.baseMs), WEBHOOK_RETRY_MAX_MS: String(s.webhookRetry.maxMs) } : {}),
    async start(infra, s, { operationsPort, log }) {
      const running = await startMerchantWebhooks(needInfra(infra, "merchant-webhooks"), { log, operations: { port: operationsPort ?? 0 }, retry: s.webhookRetry });
      return { url: null, operationsUrl: running.operationsUrl, stop: () => running.stop() };
    },
  },
];
