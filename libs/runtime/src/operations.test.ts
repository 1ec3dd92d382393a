import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createServiceMetrics } from "./metrics.js";
import type { Operations } from "./operations.js";
import { routeOf, withOperations } from "./operations.js";
import type { Readiness } from "./readiness.js";
import { createReadiness } from "./readiness.js";

function app(): Hono {
  const a = new Hono();
  a.use("*", async (_c, next) => next());
  a.post("/v1/payments", (c) => c.json({ ok: true }, 202));
  a.get("/v1/payments/:paymentId", (c) => c.json({ id: c.req.param("paymentId") }));
  a.post("/v1/payments/:paymentId/confirm", (c) => c.json({}, 202));
  a.get("/boom", () => {
    throw new Error("boom");
  });
  a.onError((_error, c) => c.text("failed", 500));
  return a;
}

function operations(readiness: () => Promise<Readiness>): Operations {
  return { metrics: createServiceMetrics(), readiness };
}

const ready = async (): Promise<Readiness> => ({ ready: true, checks: [{ name: "store", ready: true, detail: null }] });

describe("routeOf", () => {
  const route = routeOf(app().routes);
  it("gives the route pattern of a request, never its path", () => {
    expect(route("POST", "/v1/payments")).toBe("/v1/payments");
    expect(route("GET", "/v1/payments/3f1c9a52-0000-4000-8000-000000000001")).toBe("/v1/payments/:paymentId");
    expect(route("HEAD", "/v1/payments/abc")).toBe("/v1/payments/:paymentId");
    expect(route("POST", "/v1/payments/abc/confirm")).toBe("/v1/payments/:paymentId/confirm");
  });
  it("calls whatever no route matches unmatched (middleware is not a route)", () => {
    expect(route("GET", "/v1/payments/abc/confirm")).toBe("unmatched");
    expect(route("DELETE", "/v1/payments")).toBe("unmatched");
    expect(route("GET", "/wp-admin/../../etc/passwd")).toBe("unmatched");
    expect(routeOf([])("GET", "/anything")).toBe("unmatched");
  });
});

describe("withOperations", () => {
  it("answers /healthz and /readyz before the app, and counts the app's requests by route and status", async () => {
    const ops = operations(ready);
    const a = app();
    const fetch = withOperations(a.fetch, ops, { routes: a.routes });
    const health = await fetch(new Request("http://riel/healthz"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const readyz = await fetch(new Request("http://riel/readyz"));
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ status: "ready", checks: [{ name: "store", ready: true, detail: null }] });

    expect((await fetch(new Request("http://riel/v1/payments/p-1"))).status).toBe(200);
    expect((await fetch(new Request("http://riel/v1/payments/p-2"))).status).toBe(200);
    expect((await fetch(new Request("http://riel/v1/payments", { method: "POST" }))).status).toBe(202);
    expect((await fetch(new Request("http://riel/nothing/here"))).status).toBe(404);
    expect((await fetch(new Request("http://riel/boom"))).status).toBe(500);
    expect((await fetch(new Request("http://riel/v1/payments", { method: "PROPFIND" }))).status).toBe(404);

    const text = await (await fetch(new Request("http://riel/metrics"))).text();
    expect(text).toContain('riel_http_requests_total{method="GET",route="/v1/payments/:paymentId",status="200"} 2');
    expect(text).toContain('riel_http_requests_total{method="POST",route="/v1/payments",status="202"} 1');
    expect(text).toContain('riel_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('riel_http_requests_total{method="GET",route="/boom",status="500"} 1');
    expect(text).toContain('riel_http_requests_total{method="OTHER",route="unmatched",status="404"} 1');
    expect(text).toContain('riel_http_request_duration_seconds_count{method="GET",route="/v1/payments/:paymentId"} 2');
    expect(text).not.toContain("p-1");
    // The operations endpoints themselves are not counted.
    expect(text).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
  });

  it("counts a request whose fetch threw as a 500, and lets the error through", async () => {
    const ops = operations(ready);
    const fetch = withOperations(() => Promise.reject(new Error("socket hang up")), ops, { routes: [{ method: "GET", path: "/v1/payments/:paymentId" }] });
    await expect(fetch(new Request("http://riel/v1/payments/p-1"))).rejects.toThrow("socket hang up");
    expect(await ops.metrics.registry.metrics()).toContain('riel_http_requests_total{method="GET",route="/v1/payments/:paymentId",status="500"} 1');
  });

  it("answers 503 problem+json naming what is not ready, and exposes it as metrics", async () => {
    let redisUp = false;
    const ops = operations(
      createReadiness(
        [
          { name: "redis", run: async () => (redisUp ? undefined : Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"))) },
          { name: "schema-registry", run: () => new Promise<void>(() => {}) },
          { name: "kafka", run: async () => {} },
        ],
        { timeoutMs: 50, extra: () => [{ name: "consumer-group riel.status-projector", ready: true, detail: null }], onEvaluated: (checks) => ops.metrics.readiness(checks) },
      ),
    );
    const fetch = withOperations(() => new Response("app"), ops);
    const res = await fetch(new Request("http://riel/readyz"));
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "about:blank",
      title: "Not ready",
      status: 503,
      detail: "not ready: redis (connect ECONNREFUSED 127.0.0.1:6379); schema-registry (no answer within 50 ms)",
      errors: [
        { field: "redis", rule: "connect ECONNREFUSED 127.0.0.1:6379" },
        { field: "schema-registry", rule: "no answer within 50 ms" },
      ],
      checks: [
        { name: "redis", ready: false, detail: "connect ECONNREFUSED 127.0.0.1:6379" },
        { name: "schema-registry", ready: false, detail: "no answer within 50 ms" },
        { name: "kafka", ready: true, detail: null },
        { name: "consumer-group riel.status-projector", ready: true, detail: null },
      ],
    });
    redisUp = true;
    await fetch(new Request("http://riel/readyz"));
    const text = await (await fetch(new Request("http://riel/metrics"))).text();
    expect(text).toContain('riel_ready{check="redis"} 1');
    expect(text).toContain('riel_ready{check="schema-registry"} 0');
    expect(text).toContain('riel_readiness_changes_total{check="redis"} 1');
  });

  it("asks each dependency once for readiness requests that arrive together", async () => {
    let asked = 0;
    let answer = (): void => {};
    const readiness = createReadiness([{ name: "redis", run: () => new Promise<void>((resolve) => ((asked += 1), (answer = resolve))) }]);
    const both = Promise.all([readiness(), readiness()]);
    answer();
    const [a, b] = await both;
    expect(asked).toBe(1);
    expect(a).toBe(b);
    expect(a.ready).toBe(true);
  });
});
