import { context, createContextKey, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * One call to a provider's API as a client span, a child of the active span (the command's
 * consumer span in a connector). `send` gets the span's context as headers (`traceparent`,
 * `tracestate`) to add to its request. The span names the provider and the method only: a
 * provider's paths can hold payment keys.
 */
export function providerHttpCall<T extends { readonly status: number }>(provider: string, method: string, send: (traceHeaders: Readonly<Record<string, string>>) => Promise<T>): Promise<T> {
  const span = trace.getTracer("@riel/provider-port").startSpan(`${provider} ${method}`, { kind: SpanKind.CLIENT, attributes: { "http.request.method": method, "riel.provider": provider } });
  const active = trace.setSpan(context.active(), span);
  const headers: Record<string, string> = {};
  propagation.inject(active, headers);
  return context.with(active, () => send(headers)).then(
    (response) => {
      span.setAttribute("http.response.status_code", response.status);
      span.end();
      return response;
    },
    (error: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
      throw error;
    },
  );
}

const CALLBACK_TRACEPARENT = createContextKey("riel.callback-traceparent");
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** The shortest callback URL a provider takes (Depay's `notification_url`): a longer URL goes without the trace. */
export const CALLBACK_URL_MAX_LENGTH = 250;

/**
 * Runs `fn` with the `traceparent` that callback URLs made inside it carry (`tracedCallbackUrl`).
 * A connector passes the consumed command's own header, not its span: every retry and
 * redelivery of the command then gives the provider the same URL, so a provider that judges
 * repeats by their body (an idempotency key plus the body's hash) sees the same request.
 */
export function withCallbackTrace<T>(traceparent: string | undefined, fn: () => T): T {
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return fn();
  return context.with(context.active().setValue(CALLBACK_TRACEPARENT, traceparent), fn);
}

/**
 * `url` with `?traceparent=...` (from `withCallbackTrace`) so that the callback joins the
 * payment's trace: providers do not send our headers back. Unchanged when there is none, or
 * when the URL would grow past `CALLBACK_URL_MAX_LENGTH`. The token is in the path; the query
 * is not part of it.
 */
export function tracedCallbackUrl(url: string): string {
  const traceparent = context.active().getValue(CALLBACK_TRACEPARENT);
  if (typeof traceparent !== "string") return url;
  const traced = `${url}${url.includes("?") ? "&" : "?"}traceparent=${traceparent}`;
  return traced.length <= CALLBACK_URL_MAX_LENGTH ? traced : url;
}
