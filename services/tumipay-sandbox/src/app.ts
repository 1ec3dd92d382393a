import type { FaultInjector, SandboxEnv } from "@riel/sandbox-kit";
import { Hono } from "hono";
import { tumipayAdminRoutes } from "./admin/admin-routes.js";
import type { SandboxReports } from "./admin/reports.js";
import { registerLookupRoutes } from "./flows/lookup.js";
import { registerPayinRoutes } from "./flows/payin.js";
import { tumipayAuth } from "./http/tumipay-auth.js";
import { registerPaymentPageRoutes } from "./page/payment-page.js";
import type { SandboxContext } from "./sandbox-context.js";
import { internalError, routeNotFound } from "./wire/error-bodies.js";

export interface AppDeps {
  readonly tokenTop: string;
  readonly basic: string;
  readonly context: SandboxContext;
  readonly reports: SandboxReports;
  /** The runtime's fault injector (GET/PUT /__sandbox/faults). */
  readonly faults: FaultInjector;
  readonly onError: (error: unknown) => void;
}

export function createApp(deps: AppDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.onError((error, c) => {
    deps.onError(error);
    return c.json(internalError(), 500);
  });
  app.notFound((c) => c.json(routeNotFound(), 404));

  app.route("/__sandbox", tumipayAdminRoutes(deps.reports, deps.context, deps.faults));
  registerPaymentPageRoutes(app, deps.context);

  app.use("/api/v1/*", tumipayAuth({ tokenTop: deps.tokenTop, basic: deps.basic }));
  registerPayinRoutes(app, deps.context);
  registerLookupRoutes(app, deps.context);
  return app;
}
