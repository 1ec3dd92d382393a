import { Hono } from "hono";
import type { Bus } from "@riel/bus";
import type { DepayCallback } from "@riel/depay";
import { parseCallback, parseJsonKeepingNumbers, verifyCallbackToken } from "@riel/depay";
import type { Log } from "@riel/runtime";
import { deterministicId, envelopeFor, limitBody, problem } from "@riel/runtime";
import type { Collector, Money, ProviderPreviewReceived, ProviderStatusReceived } from "@riel/schemas";
import { topics } from "@riel/schemas";

export interface WebhookReceiverDeps {
  readonly bus: Bus;
  readonly secret: () => string;
  readonly log: Log;
}

const collectorOf = (c: { name: string; identification_number: string; branch_office?: string | null } | undefined): Collector | null =>
  c ? { name: c.name, identificationNumber: c.identification_number, branchOffice: c.branch_office ?? null } : null;

const money = (amount: string | null | undefined, currency: string | undefined): Money | null =>
  amount != null && currency ? { amount, currency } : null;

/** The callback as the event we publish; its id is fixed by its content, so a repeated callback is a duplicate. */
export function toEvent(paymentId: string, callback: Exclude<DepayCallback, { kind: "INVALID" }>):
  | { type: "riel.events.ProviderPreviewReceived"; value: ProviderPreviewReceived }
  | { type: "riel.events.ProviderStatusReceived"; value: ProviderStatusReceived } {
  switch (callback.kind) {
    case "PREVIEW": {
      const { order, collector } = callback.body;
      return {
        type: "riel.events.ProviderPreviewReceived",
        value: {
          envelope: envelopeFor(paymentId, null, { eventId: deterministicId("depay", paymentId, "preview", order.id, order.status) }),
          provider: "depay",
          providerOrderId: order.id,
          orderStatus: order.status,
          collector: collectorOf(collector),
          localAmount: money(order.local_total_amount, order.local_currency),
          userAmount: money(order.user_total_amount, order.user_currency),
          source: "PROVIDER_CALLBACK",
        },
      };
    }
    case "OPEN_AMOUNT_PREVIEW": {
      const b = callback.body;
      return {
        type: "riel.events.ProviderPreviewReceived",
        value: {
          envelope: envelopeFor(paymentId, null, { eventId: deterministicId("depay", paymentId, "preview", b.order_id, b.order_status) }),
          provider: "depay",
          providerOrderId: b.order_id,
          orderStatus: b.order_status,
          collector: collectorOf(b.collector),
          localAmount: null,
          userAmount: null,
          source: "PROVIDER_CALLBACK",
        },
      };
    }
    case "STATUS": {
      const b = callback.body;
      return {
        type: "riel.events.ProviderStatusReceived",
        value: {
          envelope: envelopeFor(paymentId, null, {
            eventId: deterministicId("depay", paymentId, "status", b.order_id, b.status, b.date ?? "", b.amount ?? ""),
          }),
          provider: "depay",
          providerOrderId: b.order_id,
          status: b.status,
          errorCode: b.error_code ?? null,
          paymentDate: b.payment_date ?? null,
          amount: money(b.amount, b.currency),
          source: "PROVIDER_CALLBACK",
        },
      };
    }
  }
}

/**
 * Takes Depay's callbacks. A callback is trusted only with the token of its payment in the
 * URL; it is answered 2xx only once Kafka acknowledged the event, so Depay retries otherwise.
 */
export function createWebhookApp(deps: WebhookReceiverDeps): Hono {
  const app = new Hono();
  app.use("*", limitBody());
  app.post("/webhooks/depay/:paymentId/:token", async (c) => {
    const { paymentId, token } = c.req.param();
    if (!verifyCallbackToken(paymentId, token, deps.secret())) {
      deps.log("callback refused: bad token", { paymentId });
      return problem(c, { status: 401, title: "Unauthorized", detail: "the callback URL's token does not match this payment" });
    }
    let body: unknown;
    try {
      body = parseJsonKeepingNumbers(await c.req.text());
    } catch {
      return problem(c, { status: 400, title: "Malformed body", detail: "the body is not JSON", errors: [{ field: "body", rule: "must be JSON" }] });
    }
    const callback = parseCallback(body);
    if (callback.kind === "INVALID") {
      return problem(c, {
        status: 400,
        title: "Invalid callback",
        errors: callback.errors.map((e) => {
          const [field, ...rule] = e.split(": ");
          return { field: field ?? "body", rule: rule.join(": ") };
        }),
      });
    }
    if (callback.body.external_reference !== paymentId) {
      return problem(c, {
        status: 400,
        title: "Invalid callback",
        errors: [{ field: "external_reference", rule: "must be the payment id of the callback URL" }],
      });
    }
    const event = toEvent(paymentId, callback);
    await deps.bus.publish(topics.providerEvents.name, paymentId, event);
    deps.log("callback accepted", { paymentId, kind: callback.kind, eventId: event.value.envelope.eventId });
    return c.json({ received: true });
  });
  app.notFound((c) => problem(c, { status: 404, title: "Not found", detail: "callbacks go to /webhooks/depay/{paymentId}/{token}" }));
  app.onError((error, c) => {
    deps.log("callback not taken", { error: error.message });
    return problem(c, { status: 503, title: "Try again", detail: "the callback could not be stored; send it again" });
  });
  return app;
}
export { startWebhookReceiver } from "./service.js";
