import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Hono, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import { createReports, type CallsReport, type OrderReport, type OrderView } from "./admin/reports.js";
import { createApp } from "./app.js";
import { CallbackDispatcher, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./callbacks/callback-dispatcher.js";
import { KeyedSerialQueue } from "./callbacks/keyed-serial-queue.js";
import { postJson, type PostJson } from "./callbacks/post-json.js";
import { ENDPOINTS } from "./endpoints.js";
import { idempotency, IdempotencyStore } from "./http/idempotency.js";
import { readBody } from "./http/read-body.js";
import type { SandboxEnv } from "./http/sandbox-env.js";
import { stringifyJson } from "./json/lossless-json.js";
import { CallStats } from "./orders/call-stats.js";
import { OrderStore } from "./orders/order-store.js";
import type { SandboxContext } from "./sandbox-context.js";

export interface SandboxLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface DepaySandboxOptions {
  /** The one bearer token the sandbox accepts (the docs do not say how real tokens are issued). */
  token: string;
  /** Pause before each step of an order's life (preview callback, PROCESSING, final status). Default 20; 0 answers at once. */
  callbackDelayMs?: number;
  /** When set, callbacks carry `x-depay-signature` (the sandbox's proposal; the provider documents no signature). */
  callbackSigningSecret?: string;
  now?: () => Date;
  /** Retry of callbacks that get a non-2xx answer or none. Default: 5 attempts, 100 ms doubling to 2 s. */
  callbackRetry?: Partial<RetryPolicy>;
  /** How long a finished idempotent response is kept. Default 24 h. */
  idempotencyTtlMs?: number;
  /** Where the sandbox reports callbacks given up and its own faults. Default: silent. */
  logger?: SandboxLogger;
  /** Transport for callbacks; replaceable for tests of the dispatcher itself. */
  post?: PostJson;
}

export interface DepaySandbox {
  readonly app: Hono<SandboxEnv>;
  /** Resolves when no order step is scheduled and every queued callback is delivered or given up. */
  idle(): Promise<void>;
  readonly orders: {
    get(id: string): OrderReport | undefined;
    list(): OrderView[];
  };
  calls(): CallsReport;
  /** Stops scheduled steps and callback retries; undelivered callbacks are dropped. */
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_DELAY_MS = 20;
const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const SILENT: SandboxLogger = { warn: () => {}, error: () => {} };

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function resolveRetry(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const retry = { ...DEFAULT_RETRY_POLICY, ...partial };
  nonNegativeInteger("callbackRetry.baseDelayMs", retry.baseDelayMs);
  nonNegativeInteger("callbackRetry.maxDelayMs", retry.maxDelayMs);
  if (nonNegativeInteger("callbackRetry.maxAttempts", retry.maxAttempts) < 1) {
    throw new TypeError("callbackRetry.maxAttempts must be at least 1");
  }
  if (nonNegativeInteger("callbackRetry.attemptTimeoutMs", retry.attemptTimeoutMs) < 1) {
    throw new TypeError("callbackRetry.attemptTimeoutMs must be at least 1");
  }
  return retry;
}

export function createDepaySandbox(options: DepaySandboxOptions): DepaySandbox {
  if (typeof options.token !== "string" || options.token === "" || /\s/.test(options.token)) {
    throw new TypeError("token must be a non-empty string without whitespace");
  }
  if (options.callbackSigningSecret !== undefined && options.callbackSigningSecret === "") {
    throw new TypeError("callbackSigningSecret must not be empty when given");
  }
  const callbackDelayMs = nonNegativeInteger("callbackDelayMs", options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS);
  const idempotencyTtlMs = nonNegativeInteger("idempotencyTtlMs", options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
  const retry = resolveRetry(options.callbackRetry);
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? SILENT;

  const lifetime = new AbortController();
  // Every pending wait and callback request listens on this one signal; thousands at once are normal.
  setMaxListeners(0, lifetime.signal);
  const internalErrors: string[] = [];
  const onError = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    internalErrors.push(message);
    logger.error(`depay-sandbox: internal error: ${message}`);
  };

  const orders = new OrderStore(now);
  const stats = new CallStats(ENDPOINTS);
  const timeline = new KeyedSerialQueue({ signal: lifetime.signal, onError });
  const dispatcher = new CallbackDispatcher({
    post: options.post ?? postJson,
    retry,
    signingSecret: options.callbackSigningSecret,
    now,
    signal: lifetime.signal,
    onError,
    onGiveUp: (orderId, record) =>
      logger.warn(`depay-sandbox: gave up on ${record.label} callback for order ${orderId} after ${record.attempts} attempts`),
  });
  const idempotencyStore = new IdempotencyStore({ ttlMs: idempotencyTtlMs, now });

  const context: SandboxContext = {
    orders,
    stats,
    now,
    newOrderId: () => randomUUID(),
    endpoint(id, endpointOptions = {}) {
      const { method, path } = ENDPOINTS[id];
      const orderIdOf = endpointOptions.orderIdOf ?? (() => undefined);
      const chain: MiddlewareHandler<SandboxEnv>[] = [];
      const hasBody = method !== "GET";
      if (hasBody) chain.push(readBody());
      chain.push(async (c, next) => {
        stats.count(id, "requests", orderIdOf(c));
        await next();
      });
      if (hasBody) {
        chain.push(
          idempotency({
            store: idempotencyStore,
            scope: `${method} ${path}`,
            onReplay: (c) => stats.count(id, "replays", orderIdOf(c)),
            onConflict: (c) => stats.count(id, "idempotencyConflicts", orderIdOf(c)),
          }),
        );
      }
      return every(...chain);
    },
    later(orderId, step) {
      timeline.push(orderId, callbackDelayMs, step);
    },
    notify(orderId, url, label, body) {
      dispatcher.dispatch(orderId, { url, label, body: stringifyJson(body) });
    },
  };

  const reports = createReports({ orders, stats, dispatcher, internalErrors });
  const app = createApp({ token: options.token, context, reports, onError });

  const idle = async (): Promise<void> => {
    // Steps queue callbacks, so wait for steps first, then deliveries, until both are quiet.
    do {
      await timeline.idle();
      await dispatcher.idle();
    } while (timeline.size > 0 || dispatcher.busy);
  };

  return {
    app,
    idle,
    orders: { get: (id) => reports.order(id), list: () => reports.listOrders() },
    calls: () => reports.calls(),
    async close() {
      lifetime.abort();
      await idle();
    },
  };
}
