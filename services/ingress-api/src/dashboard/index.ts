import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, Env, Hono, Next } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import { readPayment, viewFor } from "@riel/payments";
import type { Log } from "@riel/runtime";
import { problem } from "@riel/runtime";
import type { Store } from "@riel/store";
import { listPayments, paymentListQuerySchema, queryErrors } from "../payment-list.js";
import { CLIENT_JS } from "./client.js";
import type { FeedNews, LiveFeed } from "./feed.js";
import { newestPayments, overviewOf } from "./overview.js";
import { webhookAdmin } from "@riel/webhooks";
import { CSS, listPage, loginPage, paymentPage, webhooksPage } from "./page.js";

export type { DeadLetterNews, FeedNews, PaymentNews } from "./feed.js";
export { LiveFeed } from "./feed.js";

/** Who may see the dashboard: anyone who reaches it (the embedded mode), or whoever holds its token. */
export type DashboardAccess = { readonly kind: "open" } | { readonly kind: "token"; readonly token: string };

export interface DashboardDeps {
  readonly store: Store;
  readonly feed: LiveFeed;
  readonly access: DashboardAccess;
  readonly log: Log;
  readonly now?: () => Date;
}

const COOKIE = "riel_dashboard";
const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
/** Pages allow only their own script and style, and images inline (a pay-in's QR code). */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** Deliveries shown per webhook endpoint. */
const WEBHOOK_ROWS = 50;
/** How often an open stream says it is alive, so proxies keep it. */
const KEEPALIVE_MS = 15_000;

/**
 * The operators' dashboard under /dashboard: payments with filters that update live, each
 * payment's timeline, the status funnel per method, a latency chart, payments needing attention,
 * the reconciliation queue and dead letters. Views are masked as for `payments:read`.
 */
export function mountDashboard<E extends Env>(app: Hono<E>, deps: DashboardDeps): void {
  const now = deps.now ?? (() => new Date());
  const expected = deps.access.kind === "token" ? digest(deps.access.token) : null;
  // The cookie holds the token's digest, not the token.
  const cookieValue = expected?.toString("base64url") ?? "";
  const holds = (given: string | undefined, asDigest: boolean): boolean => {
    if (expected === null || given === undefined || given.length > 500) return false;
    const candidate = asDigest ? Buffer.from(given, "base64url") : digest(given);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  };
  const allowed = (c: Context): boolean => {
    if (expected === null) return true;
    const bearer = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    return holds(bearer, false) || holds(getCookie(c, COOKIE), true);
  };

  app.use("/dashboard/*", async (c: Context, next: Next) => {
    c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    await next();
  });
  app.get("/dashboard/app.css", (c) => c.body(CSS, 200, { "content-type": "text/css; charset=utf-8" }));
  app.get("/dashboard/app.js", (c) => c.body(CLIENT_JS, 200, { "content-type": "text/javascript; charset=utf-8" }));

  app.post("/dashboard/login", async (c) => {
    if (expected === null) return c.redirect("/dashboard", 303);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === "string" ? form.token : undefined;
    if (!holds(token, false)) {
      deps.log("dashboard sign-in refused");
      return c.html(loginPage(true), 401);
    }
    setCookie(c, COOKIE, cookieValue, { httpOnly: true, sameSite: "Strict", path: "/dashboard", secure: new URL(c.req.url).protocol === "https:" });
    return c.redirect("/dashboard", 303);
  });

  // Everything below needs the token, when there is one.
  app.use("/dashboard", async (c, next) => (allowed(c) ? next() : c.html(loginPage(false), 401)));
  app.use("/dashboard/*", async (c, next) => {
    if (allowed(c)) return next();
    if (c.req.path.startsWith("/dashboard/api/") || c.req.path === "/dashboard/events") {
      c.header("WWW-Authenticate", 'Bearer realm="riel-dashboard"');
      return problem(c, { status: 401, title: "Unauthorized", detail: "the dashboard needs its token (DASHBOARD_TOKEN): sign in at /dashboard" });
    }
    return c.html(loginPage(false), 401);
  });

  app.get("/dashboard", (c) => c.html(listPage()));

  app.get("/dashboard/payments/:id", async (c) => {
    const found = await readPayment(deps.store.projections, c.req.param("id"));
    if (!found) return c.html(`<!doctype html><title>Not found</title><p>No payment with this id. <a href="/dashboard">Back</a></p>`, 404);
    return c.html(paymentPage(viewFor(found.payment.view, { personal: false })));
  });

  const webhooks = webhookAdmin(deps.store.webhooks);
  app.get("/dashboard/webhooks", async (c) => {
    const endpoints = await webhooks.list();
    const shown = await Promise.all(
      endpoints.map(async (endpoint) => ({ endpoint, waiting: await webhooks.waiting(endpoint.id), deliveries: await webhooks.deliveries(endpoint.id, { limit: WEBHOOK_ROWS }) })),
    );
    return c.html(webhooksPage(shown));
  });

  app.get("/dashboard/api/payments", async (c) => {
    const parsed = paymentListQuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      const errors = queryErrors(parsed.error.issues);
      return problem(c, { status: 400, title: "Invalid request", detail: `${errors.length} field(s) break a rule`, errors });
    }
    const page = await listPayments(deps.store.projections, parsed.data, null);
    return c.json({ payments: page.payments.map((p) => viewFor(p.view, { personal: false })), next: page.next });
  });

  app.get("/dashboard/api/payments/:id", async (c) => {
    const found = await readPayment(deps.store.projections, c.req.param("id"));
    if (!found) return problem(c, { status: 404, title: "Payment not found", detail: `no payment ${c.req.param("id")}` });
    return c.json(viewFor(found.payment.view, { personal: false }));
  });

  app.get("/dashboard/api/overview", async (c) => c.json(overviewOf(await newestPayments(deps.store.projections), now().getTime())));

  app.get("/dashboard/api/dead-letters", (c) => c.json({ deadLetters: deps.feed.deadLetters() }));

  app.get("/dashboard/events", (c) =>
    streamSSE(c, async (stream) => {
      let done: () => void = () => {};
      const ended = new Promise<void>((resolve) => (done = resolve));
      const queue: FeedNews[] = [];
      let writing = Promise.resolve();
      const stop = deps.feed.listen(
        (news) => {
          queue.push(news);
          // One write at a time, in order; a page that cannot keep up is dropped rather than buffered without end.
          if (queue.length > 1_000) return done();
          writing = writing.then(async () => {
            const next = queue.shift();
            if (next) await stream.writeSSE({ event: next.kind, data: JSON.stringify(next) });
          });
        },
        () => done(),
      );
      stream.onAbort(() => done());
      const keepalive = setInterval(() => {
        writing = writing.then(() => stream.write(": alive\n\n")).then(() => undefined);
      }, KEEPALIVE_MS);
      await stream.writeSSE({ event: "hello", data: JSON.stringify({ at: now().toISOString() }) });
      await ended;
      clearInterval(keepalive);
      stop();
    }),
  );
}
