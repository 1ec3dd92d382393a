import type { SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { ENDPOINTS, ticketStream } from "../endpoints.js";
import { exactJson } from "../http/json-text.js";
import type { SandboxContext } from "../sandbox-context.js";
import { transactionNotFound } from "../wire/error-bodies.js";
import { lookupBody } from "../wire/tumipay-bodies.js";

/** GET /api/v1/transaction/{ticket}: the supplement's lookup body, or 404 "Transaction not found". */
export function registerLookupRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.get(
    ENDPOINTS.lookup.path,
    ctx.endpoint("lookup", {
      streamOf: (c) => {
        const ticket = c.req.param("ticket");
        return ticket === undefined ? undefined : ticketStream(ticket);
      },
    }),
    (c) => {
      const transaction = ctx.lifecycle.current(c.req.param("ticket"));
      if (transaction === undefined) return c.json(transactionNotFound(), 404);
      return exactJson(c, 200, lookupBody(transaction));
    },
  );
}
