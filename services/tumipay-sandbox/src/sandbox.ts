import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  checkNonNegativeInteger,
  createSandboxRuntime,
  resolveRetryPolicy,
  type FaultInjector,
  type FaultProfileInput,
  type PostJson,
  type RetryPolicy,
  type SandboxEnv,
  type SandboxLogger,
  type TruthReport,
} from "@riel/sandbox-kit";
import type { Hono } from "hono";
import { createReports, type TransactionReport, type TransactionView, type TumipayCallsReport } from "./admin/reports.js";
import { createApp } from "./app.js";
import { ENDPOINTS } from "./endpoints.js";
import { isHttpUrl } from "./http/payin-request.js";
import { basicCredentialProblem } from "./http/tumipay-auth.js";
import type { SandboxContext } from "./sandbox-context.js";
import { FaultBook } from "./transactions/fault-book.js";
import { createLifecycle } from "./transactions/lifecycle.js";
import { TransactionStore } from "./transactions/transaction-store.js";
import { serviceUnavailable } from "./wire/error-bodies.js";

export type { SandboxLogger } from "@riel/sandbox-kit";

export interface TumipaySandboxOptions {
  /** The one `Token-Top` header value accepted. */
  tokenTop: string;
  /** The one `Authorization: Basic` credential accepted: base64 of `user:password`. */
  basic: string;
  /** Base of payment_url (`{publicUrl}/payments/main?s={ticket}`), e.g. what a browser can reach. Default: the origin the create request came to. */
  publicUrl?: string;
  /** Pause before each step of a transaction's life (test-email outcomes, PENDING to final). Default 20; 0 runs steps at once (still after the answer). */
  callbackDelayMs?: number;
  /** How long a slow create (slow@tumipay.test, the slow_answer fault) holds its answer. Default 3000. */
  slowAnswerMs?: number;
  /** The sandbox clock: dates, expiration (checked on every request as well as by timers). */
  now?: () => Date;
  /** Retry of IPNs that get a non-2xx answer or none. Default: 5 attempts, 100 ms doubling to 2 s, 5 s per attempt. */
  callbackRetry?: Partial<RetryPolicy>;
  /** Where the sandbox reports IPNs given up and its own faults. Default: silent. */
  logger?: SandboxLogger;
  /** Transport for IPNs; replaceable for tests. */
  post?: PostJson;
  /** Faults to inject from the start (5xx, timeouts, duplicate/reordered/delayed/dropped IPNs; seeded). Default none. See README "Fault injection". */
  faults?: FaultProfileInput;
}

export interface TumipaySandbox {
  readonly app: Hono<SandboxEnv>;
  /** Resolves when no transaction step is scheduled and every queued IPN is delivered or given up (expiry deadlines not yet due are not waited for). */
  idle(): Promise<void>;
  readonly transactions: {
    get(ticket: string): TransactionReport | undefined;
    list(): TransactionView[];
  };
  calls(): TumipayCallsReport;
  /** The fault profile in force (replace it with `faults.configure(profile)`), its counters, and waits for tests. */
  readonly faults: FaultInjector;
  /** Per reference: status, final, orders, payEffects, refunds (GET /__sandbox/truth). */
  truth(reference?: string): TruthReport;
  /** Stops scheduled steps, expiry deadlines, IPN retries and held answers (slow answers and timeout faults); undelivered IPNs are dropped. */
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_DELAY_MS = 20;
export const DEFAULT_SLOW_ANSWER_MS = 3_000;
const MAX_SLOW_ANSWER_MS = 600_000;

export function createTumipaySandbox(options: TumipaySandboxOptions): TumipaySandbox {
  if (typeof options.tokenTop !== "string" || options.tokenTop === "" || /\s/.test(options.tokenTop)) {
    throw new TypeError("tokenTop must be a non-empty string without whitespace");
  }
  const basicProblem = typeof options.basic === "string" ? basicCredentialProblem(options.basic) : "must be a string";
  if (basicProblem !== undefined) throw new TypeError(`basic ${basicProblem}`);
  if (options.publicUrl !== undefined && !isHttpUrl(options.publicUrl)) throw new TypeError("publicUrl must be an absolute http(s) URL");
  const publicUrl = options.publicUrl?.replace(/\/+$/, "");
  const callbackDelayMs = checkNonNegativeInteger("callbackDelayMs", options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS);
  const slowAnswerMs = checkNonNegativeInteger("slowAnswerMs", options.slowAnswerMs ?? DEFAULT_SLOW_ANSWER_MS);
  if (slowAnswerMs > MAX_SLOW_ANSWER_MS) throw new TypeError(`slowAnswerMs must be at most ${MAX_SLOW_ANSWER_MS}, got ${slowAnswerMs}`);
  const retry = resolveRetryPolicy(options.callbackRetry, "callbackRetry");

  const runtime = createSandboxRuntime({
    name: "tumipay-sandbox",
    endpoints: ENDPOINTS,
    stepDelayMs: callbackDelayMs,
    retry,
    now: options.now,
    logger: options.logger,
    post: options.post,
    faults: options.faults,
    unavailable: (c) => c.json(serviceUnavailable(), 503),
  });
  const { now } = runtime;
  const held = new AbortController();
  const transactions = new TransactionStore(now);
  const lifecycle = createLifecycle({
    transactions,
    deadlines: runtime.deadlines,
    now,
    later: (ticket, step) => runtime.later(ticket, step),
    notify: (ticket, url, label, body) => runtime.notify(ticket, { url, label, body }),
  });
  const references = new Set<string>();

  const context: SandboxContext = {
    transactions,
    lifecycle,
    stats: runtime.stats,
    faults: new FaultBook(),
    references,
    now,
    newTicket: () => randomUUID(),
    publicUrl,
    hold: () => sleep(slowAnswerMs, undefined, { signal: held.signal }).catch(() => {}),
    endpoint: (id, endpointOptions = {}) => runtime.endpoint(id, { streamOf: endpointOptions.streamOf }),
  };

  const reports = createReports({ transactions, references, runtime, current: (ticket) => lifecycle.current(ticket) });
  const app = createApp({ tokenTop: options.tokenTop, basic: options.basic, context, reports, faults: runtime.faults, onError: runtime.reportError });

  return {
    app,
    idle: () => runtime.idle(),
    transactions: { get: (ticket) => reports.transaction(ticket), list: () => reports.listTransactions() },
    calls: () => reports.calls(),
    faults: runtime.faults,
    truth: (reference) => reports.truth(reference),
    async close() {
      held.abort();
      await runtime.close();
    },
  };
}
