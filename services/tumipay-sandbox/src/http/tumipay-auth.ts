import { secretMatches, type SandboxEnv } from "@riel/sandbox-kit";
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "../wire/error-bodies.js";

// TumiPay's merchant API needs two headers: `Token-Top: <token>` and
// `Authorization: Basic <base64 of user:password>`. The sandbox accepts one
// configured pair; the documents say nothing about how they are issued.

/** Why `basic` is not a Basic credential (base64 of `user:password`, user not empty), or undefined. */
export function basicCredentialProblem(basic: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(basic) || basic.length % 4 !== 0) return "must be base64 (of user:password)";
  const decoded = Buffer.from(basic, "base64");
  if (decoded.toString("base64") !== basic) return "must be base64 (of user:password)";
  const text = decoded.toString("utf8");
  return text.indexOf(":") > 0 ? undefined : "must be the base64 of user:password";
}

export function tumipayAuth(options: { tokenTop: string; basic: string }): MiddlewareHandler<SandboxEnv> {
  const { tokenTop, basic } = options;
  if (tokenTop === "" || /\s/.test(tokenTop)) throw new TypeError("tokenTop must be a non-empty string without whitespace");
  const problem = basicCredentialProblem(basic);
  if (problem !== undefined) throw new TypeError(`basic ${problem}`);
  return async (c, next) => {
    const match = /^Basic +(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    // Both compared, always: the answer's timing does not say which one was wrong.
    const tokenOk = secretMatches(c.req.header("token-top"), tokenTop);
    const basicOk = secretMatches(match?.[1], basic);
    if (!tokenOk || !basicOk) return c.json(unauthorized(), 401);
    await next();
  };
}
