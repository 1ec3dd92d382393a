import type { Context, MiddlewareHandler } from "hono";
import { isJsonObject, parseJson } from "../json/lossless-json.js";
import type { SandboxEnv } from "./sandbox-env.js";

/** Reads the body once, losslessly; routes validate it, idempotency fingerprints it. */
export function readBody(): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const raw = await c.req.text();
    c.set("body", { raw, parsed: raw.trim() === "" ? { ok: false, error: "empty body" } : parseJson(raw) });
    await next();
  };
}

/**
 * A top-level string field of the body read by readBody(), before validation:
 * which order or transaction a request names, for counting. Undefined when
 * absent, not a string, or the body is not a JSON object.
 */
export function bodyStringField(c: Context<SandboxEnv>, field: string): string | undefined {
  const body = c.get("body");
  if (body === undefined || !body.parsed.ok || !isJsonObject(body.parsed.value)) return undefined;
  const value = body.parsed.value[field];
  return typeof value === "string" ? value : undefined;
}
