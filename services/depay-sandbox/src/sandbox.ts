import { randomUUID } from "node:crypto";
import {
  checkNonNegativeInteger,
  createSandboxRuntime,
  IdempotencyStore,
  MAX_DEADLINE_MS,
  resolveRetryPolicy,
  type FaultInjector,
  type FaultProfileInput,
  type IdempotencyAnswers,
  type PostJson,
  type RetryPolicy,
  type SandboxEnv,
  type SandboxLogger,
  type TruthReport,
} from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { every } from "hono/combine";
import { createReports, type CallsReport, type OrderReport, type OrderView } from "./admin/reports.js";
import { createApp } from "./app.js";
import { depaySigner } from "./callbacks/signature.js";
import { ENDPOINTS } from "./endpoints.js";
import { statusCallbackUrl } from "./callbacks/order-callbacks.js";
import { badRequest, conflict, serviceUnavailable } from "./http/error-bodies.js";
import { pathScopedIdempotency } from "./http/path-scoped-idempotency.js";
import { createOrderExpiry } from "./orders/order-expiry.js";
import { OrderStore } from "./orders/order-store.js";
import type { SandboxContext } from "./sandbox-context.js";
import { paymentCallback } from "./wire/depay-bodies.js";

export type { SandboxLogger } from "@riel/sandbox-kit";

export interface DepaySandboxOptions {
  /** The one bearer token the sandbox accepts (the docs do not say how real tokens are issued). */
  token: string;
  /** Pause before each step of an order's life (preview callback, PROCESSING, final status). Default 20; 0 answers at once. */
  callbackDelayMs?: number;
  /** When set, callbacks carry `x-depay-signature` (the sandbox's proposal; the provider documents none). */
  callbackSigningSecret?: string;
  now?: () => Date;
  /** Retry of callbacks that get a non-2xx answer or none. Default: 5 attempts, 100 ms doubling to 2 s. */
  callbackRetry?: Partial<RetryPolicy>;
  /** How long a finished idempotent response is kept. Default 24 h. */
  idempotencyTtlMs?: number;
  /** How long an unpaid preview (CREATED, WAITING_AMOUNT, PROCESS_LATER) lives before it ends CANCELED "Order expired". Default 5 min. */
  previewTtlMs?: number;
  /** Where the sandbox reports callbacks given up and its own faults. Default: silent. */
  logger?: SandboxLogger;
  /** Transport for callbacks; replaceable for tests of the dispatcher itself. */
  post?: PostJson;
  /** Faults to inject from the start (5xx, timeouts, duplicate/reordered/delayed/dropped callbacks; seeded). Default none. See README "Fault injection". */
  faults?: FaultProfileInput;
}

export interface DepaySandbox {
  readonly app: Hono<SandboxEnv>;
  /** Resolves when no order step is scheduled and every queued callback is delivered or given up (expiry deadlines not yet due are not waited for). */
  idle(): Promise<void>;
  readonly orders: {
    get(id: string): OrderReport | undefined;
    list(): OrderView[];
  };
  calls(): CallsReport;
  /** The fault profile in force (replace it with `faults.configure(profile)`), its counters, and waits for tests. */
  readonly faults: FaultInjector;
  /** Per external_reference: status, final, orders, payEffects, refunds (GET /__sandbox/truth). */
  truth(reference?: string): TruthReport;
  /** Stops scheduled steps, expiry deadlines, callback retries and answers held by a timeout fault; undelivered callbacks are dropped. */
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_DELAY_MS = 20;
export const DEFAULT_PREVIEW_TTL_MS = 5 * 60 * 1000;
const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function createDepaySandbox(options: DepaySandboxOptions): DepaySandbox {
  if (typeof options.token !== "string" || options.token === "" || /\s/.test(options.token)) {
    throw new TypeError("token must be a non-empty string without whitespace");
  }
  if (options.callbackSigningSecret !== undefined && options.callbackSigningSecret === "") {
    throw new TypeError("callbackSigningSecret must not be empty when given");
  }
  const callbackDelayMs = checkNonNegativeInteger("callbackDelayMs", options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS);
  const idempotencyTtlMs = checkNonNegativeInteger("idempotencyTtlMs", options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  const previewTtlMs = checkNonNegativeInteger("previewTtlMs", options.previewTtlMs ?? DEFAULT_PREVIEW_TTL_MS);
  if (previewTtlMs < 1 || previewTtlMs > MAX_DEADLINE_MS) throw new TypeError(`previewTtlMs must be from 1 to ${MAX_DEADLINE_MS}, got ${previewTtlMs}`);
  const retry = resolveRetryPolicy(options.callbackRetry, "callbackRetry");
  const idempotencyAnswers: IdempotencyAnswers = {
    conflict: (c) => c.json(conflict(), 409),
    invalidKey: (c, reason) => c.json(badRequest([reason]), 400),
  };

  const runtime = createSandboxRuntime({
    name: "depay-sandbox",
    endpoints: ENDPOINTS,
    stepDelayMs: callbackDelayMs,
    retry,
    signCallback: options.callbackSigningSecret === undefined ? undefined : depaySigner(options.callbackSigningSecret),
    idempotency: { ttlMs: idempotencyTtlMs, ...idempotencyAnswers },
    now: options.now,
    logger: options.logger,
    post: options.post,
    faults: options.faults,
    unavailable: (c) => c.json(serviceUnavailable(), 503),
  });
  const { now } = runtime;
  const orders = new OrderStore(now);
  const pathScopedKeys = new IdempotencyStore({ ttlMs: idempotencyTtlMs, now });
  const expiry = createOrderExpiry({
    orders,
    deadlines: runtime.deadlines,
    ttlMs: previewTtlMs,
    now,
    onExpired: (order) =>
      runtime.later(order.id, () => {
        runtime.notify(order.id, { url: statusCallbackUrl(order), label: "CANCELED", body: paymentCallback(order, "CANCELED", now()) });
      }),
  });

  const context: SandboxContext = {
    orders,
    stats: runtime.stats,
    now,
    newOrderId: () => randomUUID(),
    expiry,
    endpoint: (id, endpointOptions = {}) => {
      const streamOf = endpointOptions.orderIdOf;
      if (endpointOptions.keysPerPath !== true) return runtime.endpoint(id, { streamOf });
      return every(
        runtime.endpoint(id, { streamOf, idempotent: false }),
        pathScopedIdempotency({
          store: pathScopedKeys,
          ...idempotencyAnswers,
          onReplay: (c) => runtime.stats.count(id, "replays", streamOf?.(c)),
          onConflict: (c) => runtime.stats.count(id, "idempotencyConflicts", streamOf?.(c)),
        }),
      );
    },
    later: (orderId, step) => runtime.later(orderId, step),
    notify: (orderId, url, label, body) => runtime.notify(orderId, { url, label, body }),
  };

  const reports = createReports({ orders, runtime });
  const app = createApp({ token: options.token, context, reports, faults: runtime.faults, onError: runtime.reportError });

  return {
    app,
    idle: () => runtime.idle(),
    orders: { get: (id) => reports.order(id), list: () => reports.listOrders() },
    calls: () => reports.calls(),
    faults: runtime.faults,
    truth: (reference) => reports.truth(reference),
    close: () => runtime.close(),
  };
}
