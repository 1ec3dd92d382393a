import { adminError, adminRoutes, isJsonObject, JsonNumber, readBody, type FaultInjector, type SandboxEnv } from "@riel/sandbox-kit";
import type { Hono } from "hono";
import type { SandboxContext } from "../sandbox-context.js";
import { FAULT_KINDS, type FaultKind } from "../transactions/fault-book.js";
import type { MoveResult } from "../transactions/lifecycle.js";
import { toTransactionView, type SandboxReports } from "./reports.js";

// /__sandbox: the kit's observability routes over transactions, the fault
// profile (GET/PUT /faults, the kit's) and the truth of a run (GET /truth), and
// what only the other side would do: the payer starting, paying, being
// rejected or declined, a link expiring now; and faults for a reference
// (POST /faults, this sandbox's own).

export const ADMIN_ACTIONS = ["start", "approve", "reject", "decline", "expire"] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

const MAX_FAULT_TIMES = 100;

export function tumipayAdminRoutes(reports: SandboxReports, ctx: SandboxContext, injector: FaultInjector): Hono<SandboxEnv> {
  const admin = adminRoutes({
    collection: "transactions",
    item: "transaction",
    get: (ticket) => reports.transaction(ticket),
    list: () => reports.listTransactions(),
    calls: () => reports.calls(),
    faults: injector,
    truth: (reference) => reports.truth(reference),
  });

  const act = (ticket: string, action: AdminAction): MoveResult => {
    switch (action) {
      case "start":
        return ctx.lifecycle.start(ticket);
      case "approve":
        return ctx.lifecycle.decide(ticket, "APPROVED");
      case "reject":
        return ctx.lifecycle.decide(ticket, "REJECTED");
      case "decline":
        return ctx.lifecycle.decide(ticket, "DECLINED");
      case "expire":
        return ctx.lifecycle.expire(ticket);
      default: {
        const unreachable: never = action;
        throw new Error(`unknown admin action ${String(unreachable)}`);
      }
    }
  };

  for (const action of ADMIN_ACTIONS) {
    admin.post(`/transactions/:ticket/${action}`, (c) => {
      const result = act(c.req.param("ticket"), action);
      switch (result.kind) {
        case "moved":
          return c.json({ transaction: toTransactionView(result.transaction) }, 200);
        case "not_found":
          return adminError(c, 404, "transaction not found");
        case "not_allowed":
          return adminError(c, 409, `cannot ${action}: ${result.reason}`);
        default: {
          const unreachable: never = result;
          throw new Error(`unknown move ${JSON.stringify(unreachable)}`);
        }
      }
    });
  }

  admin.post("/faults", readBody(), (c) => {
    const { parsed } = c.get("body");
    const body = parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
    const reference = body?.reference;
    const fault = body?.fault;
    const times = body?.times;
    if (typeof reference !== "string" || reference === "") return adminError(c, 400, "reference must be a non-empty string");
    const kind = FAULT_KINDS.find((k): k is FaultKind => k === fault);
    if (kind === undefined) return adminError(c, 400, `fault must be one of ${FAULT_KINDS.join(", ")}`);
    let count = 1;
    if (times !== undefined) {
      const n = times instanceof JsonNumber && /^\d+$/.test(times.text) ? Number(times.text) : Number.NaN;
      if (!(n >= 1 && n <= MAX_FAULT_TIMES)) return adminError(c, 400, `times must be an integer from 1 to ${MAX_FAULT_TIMES}`);
      count = n;
    }
    return c.json({ reference, faults: ctx.faults.add(reference, kind, count) }, 200);
  });

  return admin;
}
