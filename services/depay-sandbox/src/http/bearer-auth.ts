import { secretMatches, type SandboxEnv } from "@riel/sandbox-kit";
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "./error-bodies.js";

/** Accepts `Authorization: Bearer <token>` for the one configured token. */
export function bearerAuth(options: { token: string }): MiddlewareHandler<SandboxEnv> {
  if (options.token.trim() === "" || /\s/.test(options.token)) {
    throw new TypeError("bearerAuth: token must be a non-empty string without whitespace");
  }
  const { token } = options;
  return async (c, next) => {
    const match = /^Bearer +(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (!secretMatches(match?.[1], token)) return c.json(unauthorized(), 401);
    await next();
  };
}
