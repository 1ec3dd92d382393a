import { adminError, adminRoutes, readBody, type FaultInjector, type SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { enterAmount } from "../flows/qr-code.js";
import { jsonObject, positiveAmount, validateBody } from "../http/validation.js";
import type { SandboxContext } from "../sandbox-context.js";
import { toOrderView, type SandboxReports } from "./reports.js";

const merchantAmountSchema = jsonObject({ amount: positiveAmount(null) });

/**
 * /__sandbox: the kit's observability routes over orders, the fault profile
 * (GET/PUT /faults) and the truth of a run (GET /truth), and the simulations
 * only a test can trigger: the merchant typing the amount of a PROCESS_LATER
 * order, and an expiry without waiting for it.
 */
export function depayAdminRoutes(reports: SandboxReports, ctx: SandboxContext, faults: FaultInjector): Hono<SandboxEnv> {
  const admin = adminRoutes({
    collection: "orders",
    item: "order",
    get: (id) => reports.order(id),
    list: () => reports.listOrders(),
    calls: () => reports.calls(),
    faults,
    truth: (reference) => reports.truth(reference),
  });

  admin.post("/orders/:order_id/merchant-amount", readBody(), (c) => {
    const orderId = c.req.param("order_id");
    const input = validateBody(merchantAmountSchema, c.get("body"));
    if (!input.ok) return adminError(c, 400, input.messages.join("; "));
    const entry = enterAmount(ctx, orderId, input.data.amount, "PROCESS_LATER");
    switch (entry.kind) {
      case "accepted":
        return c.json({ order: toOrderView(entry.order) }, 200);
      case "not_found":
        return adminError(c, 404, "order not found");
      case "expired":
        return adminError(c, 409, "Order expired");
      case "not_waiting":
        return adminError(c, 409, `order is ${entry.status}, not PROCESS_LATER`);
      case "too_precise":
        return adminError(c, 400, entry.message);
      default: {
        const unreachable: never = entry;
        throw new Error(`unknown amount entry ${JSON.stringify(unreachable)}`);
      }
    }
  });

  admin.post("/orders/:order_id/expire", (c) => {
    const result = ctx.expiry.expireNow(c.req.param("order_id"));
    switch (result.kind) {
      case "moved":
        return c.json({ order: toOrderView(result.order) }, 200);
      case "not_found":
        return adminError(c, 404, "order not found");
      case "not_allowed":
        return adminError(c, 409, `order is ${result.from}; only CREATED, WAITING_AMOUNT and PROCESS_LATER orders expire`);
      default: {
        const unreachable: never = result;
        throw new Error(`unknown transition ${JSON.stringify(unreachable)}`);
      }
    }
  });

  return admin;
}
