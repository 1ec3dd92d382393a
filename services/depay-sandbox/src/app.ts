import type { FaultInjector, SandboxEnv } from "@riel/sandbox-kit";
import { Hono } from "hono";
import { depayAdminRoutes } from "./admin/admin-routes.js";
import type { SandboxReports } from "./admin/reports.js";
import { registerDictKeyRoutes } from "./flows/dict-key.js";
import { registerPaymentRoutes } from "./flows/payments.js";
import { registerPeruRoutes } from "./flows/peru-cci-phone.js";
import { registerQrCodeRoutes } from "./flows/qr-code.js";
import { registerRefundRoutes } from "./flows/refunds.js";
import { bearerAuth } from "./http/bearer-auth.js";
import { internalError, routeNotFound } from "./http/error-bodies.js";
import type { SandboxContext } from "./sandbox-context.js";

export interface AppDeps {
  readonly token: string;
  readonly context: SandboxContext;
  readonly reports: SandboxReports;
  readonly faults: FaultInjector;
  readonly onError: (error: unknown) => void;
}

export function createApp(deps: AppDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.onError((error, c) => {
    deps.onError(error);
    return c.json(internalError(), 500);
  });
  app.notFound((c) => c.json(routeNotFound(c.req.method, c.req.path), 404));

  app.route("/__sandbox", depayAdminRoutes(deps.reports, deps.context, deps.faults));

  app.use("/v2/*", bearerAuth({ token: deps.token }));
  // One registration per flow (Pix and Bre-B keys share the DICT endpoints); pay, refunds and status serve them all.
  registerDictKeyRoutes(app, deps.context);
  registerPeruRoutes(app, deps.context);
  registerQrCodeRoutes(app, deps.context);
  registerPaymentRoutes(app, deps.context);
  registerRefundRoutes(app, deps.context);
  return app;
}
