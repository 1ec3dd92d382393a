import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problem } from "./problem.js";

/**
 * Refuses bodies over `maxBytes` with 413 before anything reads them. A body sent without a
 * length is read here; one whose sender stopped half-way (connection closed, broken chunking)
 * is the sender's fault: 400, not a server error that would page someone.
 */
export function limitBody(maxBytes = 64 * 1024): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problem(c, { status: 413, title: "Body too large", errors: [{ field: "body", rule: `must be at most ${maxBytes} bytes` }] }),
  });
  return async (c, next) => {
    let passed = false;
    try {
      return await limit(c, async () => {
        passed = true;
        await next();
      });
    } catch (error) {
      if (passed) throw error;
      return problem(c, { status: 400, title: "Body cut short", errors: [{ field: "body", rule: "must arrive whole" }] });
    }
  };
}
