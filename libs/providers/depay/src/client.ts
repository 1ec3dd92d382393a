import type { Dispatcher } from "undici";
import { Agent, request } from "undici";
import { PROVIDER_ANSWER_LIMIT, providerHttpCall, ProviderUnavailable, readAnswer } from "@riel/provider-port";
import { parseJsonKeepingNumbers, stringifyWithDecimals } from "@riel/provider-port";

export interface DepayResponse {
  readonly status: number;
  /** Parsed with numbers kept as text; null when the body is empty or not JSON. */
  readonly body: unknown;
}

export interface DepayClientOptions {
  readonly baseUrl: string;
  /** Depay documents a bearer token and nothing on how it is issued (README gap 2): it is configured. */
  readonly token: () => string;
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
}

export interface DepayClient {
  post(path: string, body: unknown, idempotencyKey: string): Promise<DepayResponse>;
  put(path: string, body: unknown, idempotencyKey: string): Promise<DepayResponse>;
  get(path: string): Promise<DepayResponse>;
  close(): Promise<void>;
}

/** Transport only: URL, headers, auth, and turning faults into ProviderUnavailable. */
export function createDepayClient(options: DepayClientOptions): DepayClient {
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeout = options.timeoutMs ?? 10_000;

  const call = (method: "GET" | "POST" | "PUT", path: string, body?: unknown, idempotencyKey?: string): Promise<DepayResponse> =>
    providerHttpCall("depay", method, (traceHeaders) => send(method, path, traceHeaders, body, idempotencyKey));

  const send = async (method: "GET" | "POST" | "PUT", path: string, traceHeaders: Readonly<Record<string, string>>, body?: unknown, idempotencyKey?: string): Promise<DepayResponse> => {
    const headers: Record<string, string> = { ...traceHeaders, authorization: `Bearer ${options.token()}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    let res: Dispatcher.ResponseData;
    let text: string | null;
    try {
      res = await request(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : stringifyWithDecimals(body),
        dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      text = await readAnswer(res.body);
    } catch (error) {
      throw new ProviderUnavailable(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (text === null) throw new ProviderUnavailable(`${method} ${path}: answer longer than ${PROVIDER_ANSWER_LIMIT} bytes`);
    if (res.statusCode >= 500 || res.statusCode === 429) {
      throw new ProviderUnavailable(`${method} ${path}: HTTP ${res.statusCode}`);
    }
    let parsed: unknown = null;
    try {
      parsed = text ? parseJsonKeepingNumbers(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.statusCode, body: parsed };
  };

  return {
    post: (path, body, idempotencyKey) => call("POST", path, body, idempotencyKey),
    put: (path, body, idempotencyKey) => call("PUT", path, body, idempotencyKey),
    get: (path) => call("GET", path),
    async close() {
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}
