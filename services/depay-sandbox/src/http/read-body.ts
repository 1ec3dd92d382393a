import type { MiddlewareHandler } from "hono";
import { parseJson } from "../json/lossless-json.js";
import type { SandboxEnv } from "./sandbox-env.js";

/** Reads the body once, losslessly; routes validate it, idempotency fingerprints it. */
export function readBody(): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const raw = await c.req.text();
    c.set("body", { raw, parsed: raw.trim() === "" ? { ok: false, error: "empty body" } : parseJson(raw) });
    await next();
  };
}
