import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { parseDecimal, toPlainString } from "../decimal/decimal.js";
import { JsonNumber, type JsonValue } from "../json/lossless-json.js";
import type { RequestBody, SandboxEnv } from "./sandbox-env.js";

// Idempotency-key handling, judged by key plus a hash of the body (as
// Mojaloop does): same key and body, finished -> the stored response again, no
// second effect; same key and body, still running -> wait for the first and
// answer with its response; same key, other body -> the provider's conflict
// answer. The provider's error bodies come in as options: the kit knows none.

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAY_HEADER = "idempotent-replayed";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export interface StoredResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

type Entry =
  | { readonly state: "in_flight"; readonly fingerprint: string; readonly settled: Promise<void>; readonly settle: () => void }
  | { readonly state: "done"; readonly fingerprint: string; readonly response: StoredResponse; readonly storedAt: number };

export type Claim =
  | { readonly kind: "claimed" }
  | { readonly kind: "replay"; readonly response: StoredResponse }
  | { readonly kind: "in_flight"; readonly settled: Promise<void> }
  | { readonly kind: "mismatch" };

export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => Date;

  constructor(options: { ttlMs: number; now: () => Date }) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  /** Synchronous, so that of two concurrent requests exactly one can claim. */
  claim(key: string, fingerprint: string): Claim {
    const entry = this.#entries.get(key);
    if (entry?.state === "done" && this.#now().getTime() - entry.storedAt > this.#ttlMs) this.#entries.delete(key);
    const current = this.#entries.get(key);
    if (current === undefined) {
      let settle = (): void => {};
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.#entries.set(key, { state: "in_flight", fingerprint, settled, settle });
      return { kind: "claimed" };
    }
    if (current.fingerprint !== fingerprint) return { kind: "mismatch" };
    return current.state === "done" ? { kind: "replay", response: current.response } : { kind: "in_flight", settled: current.settled };
  }

  complete(key: string, response: StoredResponse): void {
    const entry = this.#entries.get(key);
    if (entry?.state !== "in_flight") return;
    this.#entries.set(key, { state: "done", fingerprint: entry.fingerprint, response, storedAt: this.#now().getTime() });
    entry.settle();
  }

  /** Forgets an in-flight claim whose response is not kept (validation error, crash); waiters retry. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry?.state !== "in_flight") return;
    this.#entries.delete(key);
    entry.settle();
  }
}

/** Responses worth replaying: outcomes (2xx, 404, 409). 400s had no effect and 5xx are faults; both may be retried. */
export function isReplayable(status: number): boolean {
  return (status >= 200 && status < 300) || status === 404 || status === 409;
}

/** How a provider answers idempotency faults, in its own error bodies. */
export interface IdempotencyAnswers {
  /** The key was used before with another body (finished or in flight). */
  readonly conflict: (c: Context<SandboxEnv>) => Response;
  /** The key itself is unacceptable; `reason` is a sentence naming the header and the rule. */
  readonly invalidKey: (c: Context<SandboxEnv>, reason: string) => Response;
}

export interface IdempotencyOptions extends IdempotencyAnswers {
  readonly store: IdempotencyStore;
  /** Keys are scoped per endpoint: the same key on two endpoints names two requests. */
  readonly scope: string;
  /** Default `idempotency-key`. */
  readonly header?: string;
  /** Default 255. */
  readonly maxKeyLength?: number;
  /** Which answers are kept and replayed. Default isReplayable (2xx, 404, 409). */
  readonly replayable?: (status: number) => boolean;
  readonly onReplay?: (c: Context<SandboxEnv>) => void;
  readonly onConflict?: (c: Context<SandboxEnv>) => void;
}

export function idempotency(options: IdempotencyOptions): MiddlewareHandler<SandboxEnv> {
  const { store, scope, onReplay, onConflict, conflict, invalidKey } = options;
  const header = options.header ?? IDEMPOTENCY_HEADER;
  const maxKeyLength = options.maxKeyLength ?? IDEMPOTENCY_KEY_MAX_LENGTH;
  const replayable = options.replayable ?? isReplayable;
  if (scope === "") throw new TypeError("idempotency: scope must not be empty");
  if (header === "") throw new TypeError("idempotency: header must not be empty");
  if (!Number.isSafeInteger(maxKeyLength) || maxKeyLength < 1) throw new TypeError("idempotency: maxKeyLength must be a positive integer");
  if (typeof conflict !== "function" || typeof invalidKey !== "function") {
    throw new TypeError("idempotency: conflict and invalidKey answers are required");
  }
  return async (c, next) => {
    const key = c.req.header(header);
    if (key === undefined || key === "") return next();
    if (key.length > maxKeyLength) return invalidKey(c, `${header} must be shorter than or equal to ${maxKeyLength} characters`);
    const scopedKey = `${scope}\n${key}`;
    const fingerprint = fingerprintBody(c.get("body"));
    for (;;) {
      const claim = store.claim(scopedKey, fingerprint);
      switch (claim.kind) {
        case "replay":
          onReplay?.(c);
          return replay(claim.response);
        case "mismatch":
          onConflict?.(c);
          return conflict(c);
        case "in_flight":
          await claim.settled;
          continue;
        case "claimed": {
          try {
            await next();
          } catch (error) {
            store.release(scopedKey);
            throw error;
          }
          if (c.error === undefined && replayable(c.res.status)) {
            store.complete(scopedKey, {
              status: c.res.status,
              contentType: c.res.headers.get("content-type"),
              body: await c.res.clone().text(),
            });
          } else {
            store.release(scopedKey);
          }
          return;
        }
        default: {
          const unreachable: never = claim;
          throw new Error(`unknown claim ${JSON.stringify(unreachable)}`);
        }
      }
    }
  };
}

function replay(response: StoredResponse): Response {
  const headers = new Headers({ [REPLAY_HEADER]: "true" });
  if (response.contentType !== null) headers.set("content-type", response.contentType);
  return new Response(response.body, { status: response.status, headers });
}

/** Same body = same JSON value: key order, whitespace and 10 vs 10.0 do not matter. */
export function fingerprintBody(body: RequestBody): string {
  const text = body.parsed.ok ? `json:${canonicalJson(body.parsed.value)}` : `raw:${body.raw}`;
  return createHash("sha256").update(text).digest("hex");
}

function canonicalJson(value: JsonValue): string {
  if (value instanceof JsonNumber) {
    const decimal = parseDecimal(value.text);
    return decimal === undefined ? value.text : toPlainString(decimal);
  }
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`)
    .join(",")}}`;
}
