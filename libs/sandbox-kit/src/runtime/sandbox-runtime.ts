import { setMaxListeners } from "node:events";
import type { Context, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import {
  CallbackDispatcher,
  checkNonNegativeInteger,
  resolveRetryPolicy,
  type CallbackRecord,
  type CallbackTotals,
  type RetryPolicy,
} from "../callbacks/callback-dispatcher.js";
import type { CallbackSigner } from "../callbacks/hmac-signature.js";
import { KeyedSerialQueue } from "../callbacks/keyed-serial-queue.js";
import { postJson, type PostJson } from "../callbacks/post-json.js";
import { CallbackFaults } from "../faults/callback-faults.js";
import { FaultInjector, type FaultCounters } from "../faults/fault-injector.js";
import { resolveFaultProfile, type FaultProfileInput } from "../faults/fault-profile.js";
import { requestFaults } from "../faults/request-faults.js";
import { idempotency, IdempotencyStore, type IdempotencyAnswers } from "../http/idempotency.js";
import { readBody } from "../http/read-body.js";
import type { SandboxEnv } from "../http/sandbox-env.js";
import { stringifyJson, type JsonValue } from "../json/lossless-json.js";
import { CallStats, type CallCounters, type EndpointInfo } from "../stats/call-stats.js";
import { Deadlines } from "../timers/deadlines.js";

// What every provider sandbox wires the same way: one lifetime, a timeline of
// steps per stream (order, transaction), callbacks delivered in order per
// stream with retries, deadlines, idempotency, call counting, and idle/close.
// The provider's own parts (routes, bodies, auth, error shapes) plug into it.

export interface SandboxLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface RuntimeIdempotencyOptions extends IdempotencyAnswers {
  /** How long a finished response is kept for replay. */
  readonly ttlMs: number;
  /** Default `idempotency-key`. */
  readonly header?: string;
  /** Default 255. */
  readonly maxKeyLength?: number;
}

export interface SandboxRuntimeOptions<E extends string> {
  /** Names the sandbox in log lines, e.g. "depay-sandbox". */
  readonly name: string;
  /** Every provider endpoint served, for the call counts. */
  readonly endpoints: Readonly<Record<E, EndpointInfo>>;
  /** Pause before each step of a stream's timeline; 0 runs steps at once (still after the answer). */
  readonly stepDelayMs: number;
  /** Default DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy>;
  /** Headers added to every callback attempt (e.g. hmacSigner). */
  readonly signCallback?: CallbackSigner;
  /** Without it, no endpoint is idempotent. */
  readonly idempotency?: RuntimeIdempotencyOptions;
  readonly now?: () => Date;
  /** Where callbacks given up and the sandbox's own faults are reported. Default: silent. */
  readonly logger?: SandboxLogger;
  /** Callback transport; default postJson (request target sent verbatim). */
  readonly post?: PostJson;
  /** Faults to inject from the start (see faults/); default none. Replaceable later with `faults.configure`. Errors name `faults.<field>`. */
  readonly faults?: FaultProfileInput;
  /** The provider's answer to an injected 5xx. Default 503 `{"statusCode":503,"message":"Service Unavailable"}`. */
  readonly unavailable?: (c: Context<SandboxEnv>) => Response;
}

export interface EndpointMiddlewareOptions {
  /** Which stream a request concerns, for per-stream call counts. */
  readonly streamOf?: (c: Context<SandboxEnv>) => string | undefined;
  /** Default: true for methods with a body when the runtime has idempotency options. */
  readonly idempotent?: boolean;
}

export interface OutgoingJsonCallback {
  readonly url: string;
  /** What the callback announces ("preview", a status), shown in reports. */
  readonly label: string;
  /** Serialised losslessly: JsonNumber amounts are written exactly. */
  readonly body: JsonValue;
}

export interface CallsReport {
  readonly endpoints: Record<string, EndpointInfo & CallCounters>;
  readonly callbacks: CallbackTotals;
  /** Faults inside the sandbox itself (should stay empty). */
  readonly internalErrors: readonly string[];
  /** Faults injected on purpose so far, per kind: a sandbox's report adds `runtime.faults.counters()` here. */
  readonly faults?: FaultCounters;
}

export interface SandboxRuntime<E extends string> {
  readonly now: () => Date;
  readonly stats: CallStats<E>;
  /** Timers per key (expiry); nothing waits for them, see Deadlines. */
  readonly deadlines: Deadlines;
  /** The fault profile in force, its decisions and the counts of faults injected. */
  readonly faults: FaultInjector;
  /** The middleware every provider endpoint runs: body reading (not for GET), call counting, injected request faults, idempotency. */
  endpoint(id: E, options?: EndpointMiddlewareOptions): MiddlewareHandler<SandboxEnv>;
  /** Runs `step` stepDelayMs after the previous step of `stream` ended. */
  later(stream: string, step: () => void | Promise<void>): void;
  /** Queues a callback; the callbacks of one stream are delivered in the order queued (unless a fault profile says otherwise). */
  notify(stream: string, callback: OutgoingJsonCallback): void;
  /** Records a fault of the sandbox itself (shown in callsReport().internalErrors, logged). */
  reportError(error: unknown): void;
  callbacks(stream: string): CallbackRecord[];
  streamCalls(stream: string, endpoints: readonly E[]): Record<string, CallCounters>;
  callsReport(): CallsReport;
  /** Resolves when no step is queued, no callback is held back by a fault, and every queued callback is delivered or given up. Deadlines not yet due and held answers are not waited for. */
  idle(): Promise<void>;
  /** Stops steps, deadlines and retries, and drops answers held by a timeout fault; undelivered callbacks are dropped. */
  close(): Promise<void>;
}

const SILENT: SandboxLogger = { warn: () => {}, error: () => {} };

const serviceUnavailable = (c: Context<SandboxEnv>): Response => c.json({ statusCode: 503, message: "Service Unavailable" }, 503);

export function createSandboxRuntime<E extends string>(options: SandboxRuntimeOptions<E>): SandboxRuntime<E> {
  const { name, endpoints } = options;
  if (typeof name !== "string" || name === "") throw new TypeError("name must be a non-empty string");
  const stepDelayMs = checkNonNegativeInteger("stepDelayMs", options.stepDelayMs);
  const retry = resolveRetryPolicy(options.retry);
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? SILENT;
  if (options.idempotency !== undefined) checkNonNegativeInteger("idempotency.ttlMs", options.idempotency.ttlMs);
  const faults = new FaultInjector(resolveFaultProfile(options.faults));

  const lifetime = new AbortController();
  // Every pending wait and callback request listens on this one signal; thousands at once are normal.
  setMaxListeners(0, lifetime.signal);
  const internalErrors: string[] = [];
  const reportError = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    internalErrors.push(message);
    logger.error(`${name}: internal error: ${message}`);
  };

  const stats = new CallStats(endpoints);
  const timeline = new KeyedSerialQueue({ signal: lifetime.signal, onError: reportError });
  const deadlines = new Deadlines({ signal: lifetime.signal, onError: reportError });
  const dispatcher = new CallbackDispatcher({
    post: options.post ?? postJson,
    retry,
    sign: options.signCallback,
    now,
    signal: lifetime.signal,
    onError: reportError,
    onGiveUp: (stream, record) => logger.warn(`${name}: gave up on ${record.label} callback for ${stream} after ${record.attempts} attempts`),
  });
  const callbackFaults = new CallbackFaults({ injector: faults, dispatcher, signal: lifetime.signal });
  const faultGate = requestFaults({ injector: faults, signal: lifetime.signal, unavailable: options.unavailable ?? serviceUnavailable });
  const idempotencyOptions = options.idempotency;
  const idempotencyStore = idempotencyOptions === undefined ? undefined : new IdempotencyStore({ ttlMs: idempotencyOptions.ttlMs, now });

  const endpoint = (id: E, endpointOptions: EndpointMiddlewareOptions = {}): MiddlewareHandler<SandboxEnv> => {
    const info = endpoints[id];
    if (info === undefined) throw new TypeError(`unknown endpoint ${id}`);
    const { method, path } = info;
    const streamOf = endpointOptions.streamOf ?? (() => undefined);
    const hasBody = method !== "GET";
    const chain: MiddlewareHandler<SandboxEnv>[] = [];
    if (hasBody) chain.push(readBody());
    chain.push(async (c, next) => {
      stats.count(id, "requests", streamOf(c));
      await next();
    });
    chain.push(faultGate);
    const idempotent = endpointOptions.idempotent ?? (hasBody && idempotencyStore !== undefined);
    if (idempotent) {
      if (idempotencyStore === undefined || idempotencyOptions === undefined) {
        throw new TypeError(`endpoint ${id} is idempotent but the runtime has no idempotency options`);
      }
      if (!hasBody) throw new TypeError(`endpoint ${id} has no body to fingerprint; GET endpoints are not idempotent-keyed`);
      chain.push(
        idempotency({
          store: idempotencyStore,
          scope: `${method} ${path}`,
          header: idempotencyOptions.header,
          maxKeyLength: idempotencyOptions.maxKeyLength,
          conflict: idempotencyOptions.conflict,
          invalidKey: idempotencyOptions.invalidKey,
          onReplay: (c) => stats.count(id, "replays", streamOf(c)),
          onConflict: (c) => stats.count(id, "idempotencyConflicts", streamOf(c)),
        }),
      );
    }
    return every(...chain);
  };

  const idle = async (): Promise<void> => {
    // Steps queue callbacks, so wait for steps first, then held-back callbacks, then deliveries, until all are quiet.
    do {
      await timeline.idle();
      await callbackFaults.idle();
      await dispatcher.idle();
    } while (timeline.size > 0 || callbackFaults.busy || dispatcher.busy);
  };

  return {
    now,
    stats,
    deadlines,
    faults,
    endpoint,
    later(stream, step) {
      timeline.push(stream, stepDelayMs, step);
    },
    notify(stream, callback) {
      callbackFaults.notify(stream, { url: callback.url, label: callback.label, body: stringifyJson(callback.body) });
    },
    reportError,
    callbacks: (stream) => dispatcher.records(stream),
    streamCalls: (stream, ids) => stats.forStream(stream, ids),
    callsReport: () => ({ endpoints: stats.totals(), callbacks: dispatcher.totals(), internalErrors: [...internalErrors] }),
    idle,
    async close() {
      lifetime.abort();
      await idle();
    },
  };
}
