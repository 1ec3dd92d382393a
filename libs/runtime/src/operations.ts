import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import type { RunningHttp } from "./http.js";
import { listen } from "./http.js";
import type { ServiceMetrics } from "./metrics.js";
import type { Problem } from "./problem.js";
import type { Check, Readiness } from "./readiness.js";

export type Fetch = (request: Request) => Response | Promise<Response>;

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

/**
 * Answers GET /healthz (the process is alive), /readyz (its dependencies are) and /metrics
 * (Prometheus text) before `fetch`, and counts and times every request `fetch` answers by
 * method, route pattern and status. HTTP services wrap their app with it; the others serve it
 * alone on an operations port (`serveOperations`).
 */
export function withOperations(fetch: Fetch, ops: Operations, options: { readonly routes?: readonly RoutePattern[] } = {}): Fetch {
  const route = routeOf(options.routes ?? []);
  return async (request) => {
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
    const observe = (status: number): void =>
      ops.metrics.httpRequest({ method, route: route(request.method, url.pathname), status, seconds: (performance.now() - started) / 1000 });
    try {
      const response = await fetch(request);
      observe(response.status);
      return response;
    } catch (error) {
      observe(500);
      throw error;
    }
  };
}

const nothingHere: Fetch = () => json(404, { type: "about:blank", title: "Not found", status: 404, detail: "this port answers /healthz, /readyz and /metrics" } satisfies Problem, "application/problem+json");

/** The operations endpoints alone, for a service that serves no HTTP of its own. Port 0 picks a free port. */
export function serveOperations(ops: Operations, options: { readonly port: number; readonly host?: string }): Promise<RunningHttp> {
  return listen(withOperations(nothingHere, ops), options.port, options.host);
}
