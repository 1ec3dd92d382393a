import type { Context, MiddlewareHandler } from "hono";
import type { RateLimitStore, RateRule } from "@riel/store";
import type { Log } from "./log.js";
import { problem } from "./problem.js";

export interface RateLimitOptions {
  readonly limits: RateLimitStore;
  readonly rule: RateRule;
  /** The bucket of this request (its caller, its route), or null to let it through uncounted. */
  readonly bucket: (c: Context) => string | null;
  readonly log: Log;
}

/**
 * Answers 429 problem+json with Retry-After once a caller's bucket is empty; says the limit and
 * what is left in `RateLimit-Limit` / `RateLimit-Remaining`. When the store does not answer
 * (Redis down) the request goes through, logged once per outage: a limit protects the service,
 * and must not be what takes it down.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  let failing = false;
  return async (c, next) => {
    const bucket = options.bucket(c);
    if (bucket === null) return next();
    let taken;
    try {
      taken = await options.limits.take(bucket, options.rule);
      failing = false;
    } catch (error) {
      if (!failing) options.log("rate limits unavailable: requests go through unlimited until the store answers", { level: "warn", error: error instanceof Error ? error.message : String(error) });
      failing = true;
      return next();
    }
    c.header("RateLimit-Limit", String(options.rule.capacity));
    c.header("RateLimit-Remaining", String(taken.remaining));
    if (!taken.allowed) {
      c.header("Retry-After", String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
      return problem(c, { status: 429, title: "Too many requests", detail: `at most ${options.rule.capacity} at once and ${options.rule.refillPerSecond} a second; retry after Retry-After seconds` });
    }
    return next();
  };
}
