import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problem } from "./problem.js";

/** Refuses bodies over `maxBytes` with 413 before anything reads them. */
export function limitBody(maxBytes = 64 * 1024): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problem(c, { status: 413, title: "Body too large", errors: [{ field: "body", rule: `must be at most ${maxBytes} bytes` }] }),
  });
}
