import { idempotency, type IdempotencyAnswers, type IdempotencyStore, type SandboxEnv } from "@riel/sandbox-kit";
import type { Context, MiddlewareHandler } from "hono";

// The kit scopes idempotency keys per route ("POST /v2/payments/:order_id/refunds").
// An endpoint that names its order in the path, not in the body, needs them
// scoped per request path instead: otherwise the same key and body sent for
// a second order would replay the first order's answer and refund nothing.

export interface PathScopedIdempotencyOptions extends IdempotencyAnswers {
  readonly store: IdempotencyStore;
  readonly onReplay: (c: Context<SandboxEnv>) => void;
  readonly onConflict: (c: Context<SandboxEnv>) => void;
}

export function pathScopedIdempotency(options: PathScopedIdempotencyOptions): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => idempotency({ ...options, scope: `${c.req.method} ${c.req.path}` })(c, next);
}
