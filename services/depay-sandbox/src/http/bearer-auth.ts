import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "./error-bodies.js";
import type { SandboxEnv } from "./sandbox-env.js";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Accepts `Authorization: Bearer <token>` for the one configured token. */
export function bearerAuth(options: { token: string }): MiddlewareHandler<SandboxEnv> {
  if (options.token.trim() === "" || /\s/.test(options.token)) {
    throw new TypeError("bearerAuth: token must be a non-empty string without whitespace");
  }
  const expected = digest(options.token);
  return async (c, next) => {
    const match = /^Bearer +(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const given = match?.[1];
    // Hashing first gives equal lengths, so the compare is constant-time.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return c.json(unauthorized(), 401);
    }
    await next();
  };
}
