import type { Dispatcher } from "undici";
import { Agent, request } from "undici";
import { parseJsonKeepingNumbers, PROVIDER_ANSWER_LIMIT, providerHttpCall, ProviderUnavailable, readAnswer, stringifyWithDecimals } from "@riel/provider-port";

export interface TumipayResponse {
  readonly status: number;
  /** Parsed with numbers kept as text; null when the body is empty or not JSON. */
  readonly body: unknown;
}

export interface TumipayClientOptions {
  readonly baseUrl: string;
  /** The `Token-Top` header. Functions, so a rotated secret is picked up without a restart. */
  readonly tokenTop: () => string;
  /** The key of `Authorization: Basic <key>`, as TumiPay issues it. */
  readonly basic: () => string;
  /** How long to wait for an answer's headers, and between its body's chunks. Default 10 s. */
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
}

export interface TumipayClient {
  post(path: string, body: unknown): Promise<TumipayResponse>;
  get(path: string): Promise<TumipayResponse>;
  close(): Promise<void>;
}

/**
 * Transport only: URL, headers, auth, and turning faults into ProviderUnavailable. Errors name
 * the method and path, never a header or a body: the secrets and the payer's personal data stay
 * out of logs.
 */
export function createTumipayClient(options: TumipayClientOptions): TumipayClient {
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeout = options.timeoutMs ?? 10_000;

  const call = (method: "GET" | "POST", path: string, body?: unknown): Promise<TumipayResponse> =>
    providerHttpCall("tumipay", method, (traceHeaders) => send(method, path, traceHeaders, body));

  const send = async (method: "GET" | "POST", path: string, traceHeaders: Readonly<Record<string, string>>, body?: unknown): Promise<TumipayResponse> => {
    const headers: Record<string, string> = {
      ...traceHeaders,
      "token-top": options.tokenTop(),
      authorization: `Basic ${options.basic()}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
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
      // undici's messages name the fault (timeout, refused connection), never the request's headers.
      const why = error instanceof Error ? error.message : "unknown transport error";
      throw new ProviderUnavailable(`TumiPay ${method} ${path}: ${why}`);
    }
    if (text === null) throw new ProviderUnavailable(`TumiPay ${method} ${path}: answer longer than ${PROVIDER_ANSWER_LIMIT} bytes`);
    if (res.statusCode >= 500 || res.statusCode === 429) {
      throw new ProviderUnavailable(`TumiPay ${method} ${path}: HTTP ${res.statusCode}`);
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
    post: (path, body) => call("POST", path, body),
    get: (path) => call("GET", path),
    async close() {
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}
