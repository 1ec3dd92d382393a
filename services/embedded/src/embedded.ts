import { randomBytes } from "node:crypto";
import type { Infra, InfraSettings, Log } from "@riel/runtime";
import { connectInfra, mintApiKey, SCOPES } from "@riel/runtime";
import type { Role, SharedSettings, StartedService } from "./services.js";
import { SERVICES } from "./services.js";

export interface EmbeddedOptions {
  readonly infra: InfraSettings;
  /** Port per HTTP address; 0 or absent picks a free one. */
  readonly ports?: Readonly<Partial<Record<Role, number>>>;
  readonly callbackDelayMs?: number;
  /** The ingress's key with every scope (INGRESS_API_KEY); a new one when absent. */
  readonly apiKey?: string;
  /** Reconciliation pace; the lifecycle's delays (scale 1, a round a second) when absent. */
  readonly reconcile?: SharedSettings["reconcile"];
  /** Serve the dashboard at /dashboard (SharedSettings.dashboard); not served when absent. */
  readonly dashboard?: SharedSettings["dashboard"];
  /** Merchant webhooks' backoff (SharedSettings.webhookRetry); a day of it from 5 s when absent. */
  readonly webhookRetry?: SharedSettings["webhookRetry"];
  readonly log: Log;
}

export interface RunningRiel {
  readonly ingressUrl: string;
  readonly webhookUrl: string;
  readonly sandboxUrl: string;
  readonly tumipaySandboxUrl: string;
  /** The secret of the callback URLs' tokens (for tests that post a provider's callback). */
  readonly webhookSecret: string;
  /** The ingress's key with every scope: `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Where each service answers /healthz, /readyz and /metrics, by service name (the sandboxes do not). */
  readonly operations: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Every service of SERVICES in this process, in its order, each with its own bus and store connection. */
export async function startEmbedded(options: EmbeddedOptions): Promise<RunningRiel> {
  const { log } = options;
  const urls: Partial<Record<Role, string>> = {};
  const shared = (): SharedSettings => ({ ...base, urls: { ...urls } });
  const base = { sandboxToken: randomBytes(16).toString("hex"), webhookSecret: randomBytes(32).toString("hex"),
    apiKey: options.apiKey ?? mintApiKey({ name: "INGRESS_API_KEY", scopes: SCOPES }, new Date()).token,
    sandboxCallbackDelayMs: options.callbackDelayMs ?? 0, reconcile: options.reconcile, dashboard: options.dashboard, webhookRetry: options.webhookRetry };
  const started: Array<{ service: StartedService; infra: Infra | null }> = [];
  const operations: Record<string, string> = {};
  for (const def of SERVICES) {
    const infra = def.usesInfra ? await connectInfra(options.infra, `riel-${def.name}`, (line) => log(line, { service: def.name })) : null;
    // Every line names the service that wrote it, though all of them share one process and one log.
    const serviceLog: Log = (message, fields) => log(message, { service: def.name, ...fields });
    const service = await def.start(infra, shared(), { port: def.serves ? (options.ports?.[def.serves.role] ?? 0) : 0, log: serviceLog });
    if (def.serves && service.url) urls[def.serves.role] = service.url;
    if (service.operationsUrl) operations[def.name] = service.operationsUrl;
    started.push({ service, infra });
  }
  const url = (role: Role): string => urls[role] ?? "";
  return {
    ingressUrl: url("ingress"),
    webhookUrl: url("webhook"),
    sandboxUrl: url("depaySandbox"),
    tumipaySandboxUrl: url("tumipaySandbox"),
    webhookSecret: base.webhookSecret,
    apiKey: base.apiKey,
    operations,
    async stop() {
      // Entry points first, so nothing new comes in while the consumers finish; sandboxes last.
      const rank = (i: number): number => (SERVICES[i]?.usesInfra ? (SERVICES[i]?.serves ? 0 : 1) : 2);
      const order = started.map((_, i) => i).sort((a, b) => rank(a) - rank(b));
      for (const i of order) await started[i]?.service.stop();
      for (const { infra } of started) await infra?.close();
    },
  };
}
