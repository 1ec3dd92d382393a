import { Webhook } from "standardwebhooks";
import { Agent, request } from "undici";

/** What one POST got: the HTTP status, or why there was none (refused, reset, timed out). */
export type SendResult = { readonly status: number; readonly error: null } | { readonly status: null; readonly error: string };

/** Posts a signed message; never throws. */
export type Sender = (url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number) => Promise<SendResult>;

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the message id, the same on every
 * attempt), `webhook-timestamp` (this attempt's, in seconds) and `webhook-signature` (`v1,` and
 * the HMAC-SHA256 of `id.timestamp.body` under the endpoint's secret), by the `standardwebhooks`
 * package, so a merchant's verifier from the same specification accepts them.
 */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "Riel-Webhooks/1",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, at, body),
  };
}

/** How much of an answer's body is read (then dropped): merchants' answers are not kept. */
const ANSWER_LIMIT = 64 * 1024;

/**
 * undici, one connection pool per origin: a dead endpoint's sockets and timeouts are its own.
 * Redirects are not followed (a 3xx is a failed attempt): the signature was made for this URL.
 */
export function httpSender(): Sender & { close(): Promise<void> } {
  const agent = new Agent({ connect: { timeout: 5_000 }, keepAliveTimeout: 10_000 });
  const send: Sender = async (url, headers, body, timeoutMs) => {
    try {
      const res = await request(url, { method: "POST", headers, body, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      await res.body.dump({ limit: ANSWER_LIMIT }).catch(() => undefined);
      return { status: res.statusCode, error: null };
    } catch (error) {
      const e = error as { code?: unknown; name?: unknown; message?: unknown };
      const why = typeof e.code === "string" ? e.code : typeof e.name === "string" && e.name !== "Error" ? e.name : String(e.message ?? error);
      return { status: null, error: why.slice(0, 200) };
    }
  };
  return Object.assign(send, { close: () => agent.close() });
}
