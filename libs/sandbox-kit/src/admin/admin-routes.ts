import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SandboxEnv } from "../http/sandbox-env.js";
import type { CallsReport } from "../runtime/sandbox-runtime.js";

// Test observability and simulation under /__sandbox, the same in every
// sandbox: list and show the provider's records (orders, transactions), and
// the call totals. No provider auth (sandboxes are for local use). A sandbox
// adds its own simulation routes (e.g. a merchant entering an amount) to the
// returned app.

export interface AdminRoutesOptions {
  /** Path segment and list key, e.g. "orders" or "transactions". */
  readonly collection: string;
  /** Singular, for the 404 message: "order" gives `order not found`. */
  readonly item: string;
  /** The report of one record; undefined answers 404. */
  get(id: string): unknown;
  list(): readonly unknown[];
  calls(): CallsReport;
}

/** The body of every admin error: `{statusCode, message}`. */
export interface AdminErrorBody {
  readonly statusCode: number;
  readonly message: string;
}

export function adminError(c: Context<SandboxEnv>, status: ContentfulStatusCode, message: string): Response {
  const body: AdminErrorBody = { statusCode: status, message };
  return c.json(body, status);
}

export function adminRoutes(options: AdminRoutesOptions): Hono<SandboxEnv> {
  const { collection, item } = options;
  if (!/^[a-z][a-z0-9-]*$/.test(collection)) throw new TypeError("adminRoutes: collection must be a lower-case path segment");
  if (item === "") throw new TypeError("adminRoutes: item must not be empty");
  const admin = new Hono<SandboxEnv>();
  admin.get(`/${collection}`, (c) => c.json({ [collection]: options.list() }));
  admin.get(`/${collection}/:id`, (c) => {
    const report = options.get(c.req.param("id"));
    if (report === undefined) return adminError(c, 404, `${item} not found`);
    return c.json(report);
  });
  admin.get("/calls", (c) => c.json(options.calls()));
  return admin;
}
