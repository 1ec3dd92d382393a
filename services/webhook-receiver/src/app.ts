import { Hono } from "hono";
import type { Bus } from "@riel/bus";
import type { WebhookKey, WebhookModule } from "@riel/provider-port";
import { reportedRecord, verifyCallbackToken } from "@riel/provider-port";
import type { Log } from "@riel/runtime";
import { limitBody, problem, rateLimit } from "@riel/runtime";
import type { Context } from "hono";
import type { RateLimitStore, RateRule } from "@riel/runtime";
import type { RielTopics } from "@riel/schemas";
import { topics } from "@riel/schemas";
import { webhookDocument } from "./openapi.js";

/** What a payment id can be: Riel's own are UUIDs; upstream's (Kafka) at most 100 printable characters, like a provider's reference. */
const PAYMENT_ID = /^[\x21-\x7e]{1,100}$/;

export interface WebhookReceiverDeps {
  readonly bus: Bus<RielTopics>;
  /** Every provider's callback module, found by the provider name in the URL. */
  readonly webhooks: readonly WebhookModule[];
  /** The keys a callback URL's token may be made with (a bare secret: tokens without a key id). */
  readonly secret: () => string | readonly WebhookKey[];
  readonly log: Log;
  /**
   * A callback that cannot be authenticated is not trusted, but it may tell of a real change:
   * the payment is checked with its provider at once (reconciliation), which never takes the
   * body's word for it.
   */
  readonly checkNow?: (provider: string, paymentId: string) => Promise<void>;
  /**
   * Callbacks per source address: a burst and a rate (WEBHOOK_RATE_LIMIT), counted before the
   * token is checked or the body read, so a flood of forged callbacks from one address is
   * refused cheaply and cannot starve the providers' real ones. Absent: no limit.
   */
  readonly rateLimit?: { readonly limits: RateLimitStore; readonly rule: RateRule; readonly sourceOf: (c: Context) => string };
}

/**
 * Takes every provider's callbacks at `/webhooks/{provider}/{paymentId}/{token}`. A callback is
 * trusted only with its payment's token in the URL; its body is read by the provider's module
 * into reports in Riel's words; it is answered 2xx only once Kafka acknowledged the events, so
 * the provider retries otherwise. Nothing here knows a provider.
 */
export function createWebhookApp(deps: WebhookReceiverDeps): Hono {
  const byProvider = new Map(deps.webhooks.map((w) => [w.provider, w]));
  const app = new Hono();
  if (deps.rateLimit) {
    const { limits, rule, sourceOf } = deps.rateLimit;
    app.use("/webhooks/*", rateLimit({ limits, rule, bucket: (c) => `webhook:${sourceOf(c)}`, log: deps.log }));
  }
  app.use("*", limitBody());
  app.post("/webhooks/:provider/:paymentId/:token", async (c) => {
    const { provider, paymentId, token } = c.req.param();
    const module = byProvider.get(provider);
    if (!module) return problem(c, { status: 404, title: "Not found", detail: `no provider ${provider}` });
    if (!verifyCallbackToken(provider, paymentId, token, deps.secret())) {
      deps.log("callback refused: bad token; the provider will be asked instead", { provider, paymentId });
      // Only what could be a payment id is scheduled: a flood of forged URLs cannot fill the due index with junk.
      if (PAYMENT_ID.test(paymentId)) await deps.checkNow?.(provider, paymentId);
      return problem(c, { status: 401, title: "Unauthorized", detail: "the callback URL's token does not match this payment" });
    }
    // A sender that stops half-way through its body is refused, not answered as our failure (503).
    const body = await c.req.text().catch(() => null);
    if (body === null) return problem(c, { status: 400, title: "Invalid callback", errors: [{ field: "body", rule: "must arrive whole" }] });
    const parsed = module.parse(body, paymentId);
    if (parsed.kind === "INVALID") {
      deps.log("callback refused: invalid", { provider, paymentId, fields: parsed.errors.map((e) => e.field).join(",") });
      return problem(c, { status: 400, title: "Invalid callback", errors: parsed.errors });
    }
    for (const report of parsed.reports) {
      const record = reportedRecord(provider, paymentId, report, "PROVIDER_CALLBACK", null);
      await deps.bus.publish(topics.providerEvents.name, paymentId, record);
      deps.log("callback accepted", { provider, paymentId, status: report.status, eventId: record.value.envelope.eventId });
    }
    return c.json(module.acknowledgement.body, module.acknowledgement.status);
  });
  // The providers' side of the API: what each provider may send here and what it gets back.
  let document: ReturnType<typeof webhookDocument> | undefined;
  app.get("/openapi.json", (c) => c.json((document ??= webhookDocument(deps.webhooks))));
  app.notFound((c) => problem(c, { status: 404, title: "Not found", detail: "callbacks go to /webhooks/{provider}/{paymentId}/{token}" }));
  app.onError((error, c) => {
    deps.log("callback not taken", { paymentId: c.req.param("paymentId") ?? null, error: error.message });
    return problem(c, { status: 503, title: "Try again", detail: "the callback could not be stored; send it again" });
  });
  return app;
}
