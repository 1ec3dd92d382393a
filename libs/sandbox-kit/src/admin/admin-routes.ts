import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FaultInjector } from "../faults/fault-injector.js";
import { parseFaultProfile } from "../faults/fault-profile.js";
import type { SandboxEnv } from "../http/sandbox-env.js";
import type { CallsReport } from "../runtime/sandbox-runtime.js";

// Test observability and simulation under /__sandbox, the same in every
// sandbox: list and show the provider's records (orders, transactions), and
// the call totals; the fault profile (read and replace) and the truth of a
// run (the provider's end of each payment). No provider auth (sandboxes are
// for local use). A sandbox adds its own simulation routes (e.g. a merchant
// entering an amount) to the returned app.

/** What the provider holds for one payment of the client (by the client's reference: Riel's payment id). */
export interface PaymentTruth {
  /** The provider's status, in its own vocabulary (of the order that counts when there are several). */
  readonly status: string;
  /** True when that status can no longer change in the provider's life cycle. */
  readonly final: boolean;
  /** Orders / transactions created for this reference. */
  readonly orders: number;
  /** Times money was set moving for it (Depay: pay requests that took effect; TumiPay: transactions created). */
  readonly payEffects: number;
  readonly refunds: readonly { readonly amount: string; readonly state: string }[];
}

/** GET /__sandbox/truth: one entry per reference that has at least one order / transaction. */
export interface TruthReport {
  readonly payments: Record<string, PaymentTruth>;
}

export interface AdminRoutesOptions {
  /** Path segment and list key, e.g. "orders" or "transactions". */
  readonly collection: string;
  /** Singular, for the 404 message: "order" gives `order not found`. */
  readonly item: string;
  /** The report of one record; undefined answers 404. */
  get(id: string): unknown;
  list(): readonly unknown[];
  calls(): CallsReport;
  /** Serves GET and PUT /faults when given (the runtime's `faults`). */
  readonly faults?: FaultInjector;
  /** Serves GET /truth when given; `reference` restricts the report to one. */
  readonly truth?: (reference: string | undefined) => TruthReport;
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

  const { faults, truth } = options;
  if (faults !== undefined) {
    admin.get("/faults", (c) => c.json(faults.report()));
    admin.put("/faults", async (c) => {
      let value: unknown;
      try {
        value = JSON.parse(await c.req.text());
      } catch {
        return adminError(c, 400, "body must be a JSON object (the fault profile)");
      }
      const result = parseFaultProfile(value);
      if (!result.ok) return adminError(c, 400, result.errors.join("; "));
      faults.configure(result.profile);
      return c.json(faults.report());
    });
  }
  if (truth !== undefined) {
    admin.get("/truth", (c) => {
      const reference = c.req.query("reference");
      return c.json(truth(reference === "" ? undefined : reference));
    });
  }
  return admin;
}
