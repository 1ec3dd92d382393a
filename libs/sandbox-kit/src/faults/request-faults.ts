import { setTimeout as sleep } from "node:timers/promises";
import type { Context, MiddlewareHandler } from "hono";
import type { SandboxEnv } from "../http/sandbox-env.js";
import type { FaultInjector } from "./fault-injector.js";

// Faults of provider requests, run by every endpoint the runtime builds
// (after authentication, body reading and request counting, before
// idempotency and the route), each after the profile's latencyMs:
//   error5xx - answered with the provider's 5xx before anything is handled: no effect.
//   timeout  - handled as usual (effects, idempotency record, callbacks), but
//              the answer is held and then the connection is dropped: when the
//              client gives up, after timeoutHoldMs, or when the sandbox
//              closes, whichever comes first. A retry with the same
//              idempotency key then gets the stored answer.

/**
 * How an in-memory `app.request()` fails when its answer is dropped: the
 * promise rejects with this, as fetch() rejects when a connection is lost.
 * Deliberately not an Error, so Hono's onError does not turn it into a 500.
 */
export class DroppedConnection {
  readonly code = "SANDBOX_CONNECTION_DROPPED";
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export interface RequestFaultsOptions {
  readonly injector: FaultInjector;
  /** The sandbox's lifetime: a held answer ends when it aborts. */
  readonly signal: AbortSignal;
  /** The provider's answer for an injected 5xx. */
  readonly unavailable: (c: Context<SandboxEnv>) => Response;
}

interface Destroyable {
  destroy(): unknown;
}

/** The Node response of a request served by @hono/node-server (`c.env.outgoing`), if that is how it came. */
function nodeOutgoing(env: unknown): Destroyable | undefined {
  if (typeof env !== "object" || env === null || !("outgoing" in env)) return undefined;
  const outgoing: unknown = env.outgoing;
  if (typeof outgoing !== "object" || outgoing === null || !("destroy" in outgoing) || typeof outgoing.destroy !== "function") return undefined;
  return outgoing as Destroyable;
}

export function requestFaults(options: RequestFaultsOptions): MiddlewareHandler<SandboxEnv> {
  const { injector, signal, unavailable } = options;
  return async (c, next) => {
    const latency = injector.profile.latencyMs;
    if (latency > 0) await sleep(latency, undefined, { signal }).catch(() => undefined);
    const fault = injector.requestFault();
    if (fault === "error5xx") {
      injector.count("error5xx");
      return unavailable(c);
    }
    await next();
    if (fault !== "timeout") return;
    injector.count("timeout");
    injector.holdStarted();
    try {
      await sleep(injector.profile.timeoutHoldMs, undefined, { signal: AbortSignal.any([c.req.raw.signal, signal]) });
    } catch {
      // The client gave up or the sandbox is closing: drop the answer now.
    } finally {
      injector.holdEnded();
    }
    const outgoing = nodeOutgoing(c.env);
    if (outgoing !== undefined) {
      // Served over HTTP: close the connection without an answer; what Hono writes after this goes nowhere.
      outgoing.destroy();
      return;
    }
    throw new DroppedConnection(`${c.req.method} ${c.req.path}: answer dropped (injected timeout)`);
  };
}
