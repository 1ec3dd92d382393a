import type { Context, TextMapGetter } from "@opentelemetry/api";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import type { RunningHttp } from "./http.js";
import { listen } from "./http.js";
import type { ServiceMetrics } from "./metrics.js";
import type { Problem } from "./problem.js";
import type { Check, Readiness } from "./readiness.js";

/** `env` is the server's (the Node request and response, for the caller's address). */
export type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** What a service's operations endpoints answer from; an `Infra` is one. */
export interface Operations {
  readonly metrics: ServiceMetrics;
  readiness(): Promise<Readiness>;
}

/** A route as Hono lists it (`app.routes`): the pattern, never a request's path. */
export interface RoutePattern {
  readonly method: string;
  readonly path: string;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** The label of a request no route of the app matches: its path could be anything, so it is never a label. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The route pattern a request is for (`/v1/payments/:paymentId`), found with Hono's own router
 * over the app's routes, so that labels never carry a payment id or whatever else a path holds.
 * Middleware (`app.use`, method ALL with a wildcard) is not a route.
 */
export function routeOf(routes: readonly RoutePattern[]): (method: string, path: string) => string {
  const router = new SmartRouter<RoutePattern>({ routers: [new RegExpRouter(), new TrieRouter()] });
  for (const route of routes) router.add(route.method, route.path, route);
  if (routes.length === 0) return () => UNMATCHED_ROUTE;
  return (method, path) => {
    const matched = router.match(method === "HEAD" ? "GET" : method, path)[0].map(([route]) => route);
    const route = matched.find((r) => r.method !== "ALL") ?? matched.find((r) => !r.path.includes("*"));
    return route?.path ?? UNMATCHED_ROUTE;
  };
}

const json = (status: number, body: unknown, contentType = "application/json"): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": contentType, "cache-control": "no-store" } });

function notReady(checks: readonly Check[]): Response {
  const failing = checks.filter((c) => !c.ready);
  const body: Problem & { readonly checks: readonly Check[] } = {
    type: "about:blank",
    title: "Not ready",
    status: 503,
    detail: `not ready: ${failing.map((c) => `${c.name} (${c.detail ?? "not ready"})`).join("; ")}`,
    errors: failing.map((c) => ({ field: c.name, rule: c.detail ?? "not ready" })),
    checks,
  };
  return json(503, body, "application/problem+json");
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/**
 * The trace context a request comes in: its `traceparent` and `tracestate` headers, or, with
 * `traceQuery` and no `traceparent` header, a `traceparent` query parameter (providers do not
 * send our headers back; the callback URLs Riel gives them carry it, see docs/operations.md).
 */
function incomingContext(request: Request, url: URL, traceQuery: boolean): Context {
  if (traceQuery && !request.headers.has("traceparent")) {
    const traceparent = url.searchParams.get("traceparent");
    if (traceparent !== null) return propagation.extract(ROOT_CONTEXT, { traceparent });
  }
  return propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
}

export interface OperationsOptions {
  readonly routes?: readonly RoutePattern[];
  /** Take the trace context from a `traceparent` query parameter when the request has no such header. */
  readonly traceQuery?: boolean;
}

/**
 * Answers GET /healthz (the process is alive), /readyz (its dependencies are) and /metrics
 * (Prometheus text) before `fetch`, and counts and times every request `fetch` answers by
 * method, route pattern and status. HTTP services wrap their app with it; the others serve it
 * alone on an operations port (`serveOperations`).
 *
 * Every request `fetch` answers runs inside a server span named by its route pattern, a child
 * of the trace context the request came with, so what the app publishes carries that trace.
 */
export function withOperations(fetch: Fetch, ops: Operations, options: OperationsOptions = {}): Fetch {
  const route = routeOf(options.routes ?? []);
  return async (request, env) => {
    const url = new URL(request.url);
    if (request.method === "GET" || request.method === "HEAD") {
      switch (url.pathname) {
        case "/healthz":
          return json(200, { status: "ok" });
        case "/readyz": {
          const readiness = await ops.readiness();
          return readiness.ready ? json(200, { status: "ready", checks: readiness.checks }) : notReady(readiness.checks);
        }
        case "/metrics":
          return new Response(await ops.metrics.registry.metrics(), { status: 200, headers: { "content-type": ops.metrics.registry.contentType, "cache-control": "no-store" } });
        default:
          break;
      }
    }
    const started = performance.now();
    const method = METHODS.has(request.method) ? request.method : "OTHER";
    const pattern = route(request.method, url.pathname);
    const observe = (status: number): void => ops.metrics.httpRequest({ method, route: pattern, status, seconds: (performance.now() - started) / 1000 });
    const parent = incomingContext(request, url, options.traceQuery ?? false);
    const span = trace.getTracer("@riel/runtime").startSpan(`${method} ${pattern}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "http.route": pattern } }, parent);
    try {
      const response = await context.with(trace.setSpan(parent, span), () => fetch(request, env));
      observe(response.status);
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    } catch (error) {
      observe(500);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  };
}

const nothingHere: Fetch = () => json(404, { type: "about:blank", title: "Not found", status: 404, detail: "this port answers /healthz, /readyz and /metrics" } satisfies Problem, "application/problem+json");

/** The operations endpoints alone, for a service that serves no HTTP of its own. Port 0 picks a free port. */
export function serveOperations(ops: Operations, options: { readonly port: number; readonly host?: string }): Promise<RunningHttp> {
  return listen(withOperations(nothingHere, ops), options.port, options.host);
}
