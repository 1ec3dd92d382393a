import type { SandboxEnv } from "@riel/sandbox-kit";
import type { Context, Hono } from "hono";
import { qrPngBase64 } from "../qr/payment-qr.js";
import type { SandboxContext } from "../sandbox-context.js";
import type { MoveResult } from "../transactions/lifecycle.js";
import { PAGE_ACTIONS, renderMessagePage, renderPaymentPage, type PageAction } from "./render-page.js";

// The payer's side: GET {publicUrl}/payments/main?s={ticket} shows the
// transaction; its buttons POST to /payments/main/{pay|reject|expire}?s=...
// and come back to the page (303). No merchant credentials: the ticket is the
// payer's link.

const notFoundPage = (c: Context<SandboxEnv>): Response =>
  c.html(renderMessagePage("Pago no encontrado", "El enlace de pago no existe o no es válido."), 404);

export function registerPaymentPageRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  app.get("/payments/main", async (c) => {
    const ticket = c.req.query("s");
    const transaction = ticket === undefined ? undefined : ctx.lifecycle.current(ticket);
    if (transaction === undefined) return notFoundPage(c);
    const png = transaction.qrPayload === null ? undefined : await qrPngBase64(transaction.qrPayload);
    return c.html(renderPaymentPage(transaction, { qrPngBase64: png }));
  });

  const act = (ticket: string, action: PageAction): MoveResult => {
    switch (action) {
      case "pay":
        return ctx.lifecycle.decide(ticket, "APPROVED");
      case "reject":
        return ctx.lifecycle.decide(ticket, "REJECTED");
      case "expire":
        return ctx.lifecycle.expire(ticket);
      default: {
        const unreachable: never = action;
        throw new Error(`unknown page action ${String(unreachable)}`);
      }
    }
  };

  for (const { action } of PAGE_ACTIONS) {
    app.post(`/payments/main/${action}`, (c) => {
      const ticket = c.req.query("s");
      if (ticket === undefined) return notFoundPage(c);
      const result = act(ticket, action);
      switch (result.kind) {
        case "moved":
          return c.redirect(result.transaction.paymentUrl, 303);
        case "not_found":
          return notFoundPage(c);
        case "not_allowed":
          return c.html(renderMessagePage("Pago no disponible", `La transacción ya no admite esta acción (${result.status}).`), 409);
        default: {
          const unreachable: never = result;
          throw new Error(`unknown move ${JSON.stringify(unreachable)}`);
        }
      }
    });
  }
}
