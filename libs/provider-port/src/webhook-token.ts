import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * No provider signs its callbacks (provider docs, gap 3). Each payment's callback URL carries
 * its own token, an HMAC of provider and payment id under Riel's secret: a provider needs no
 * change to follow it, a leaked URL exposes one payment only, and no URL can be made without
 * the secret. One scheme for every provider, checked in one place.
 *
 * Secrets rotate: a key with an id signs URLs as `{id}.{hmac}`, and the receiver takes every key
 * it is given (the current and the previous ones), so a payment keeps the URL it was given until
 * it ends. A key without an id signs the bare `{hmac}` (URLs made before key ids existed).
 */
export interface WebhookKey {
  readonly id: string | null;
  readonly secret: string;
}

const keyOf = (key: string | WebhookKey): WebhookKey => (typeof key === "string" ? { id: null, secret: key } : key);

export function callbackToken(provider: string, paymentId: string, key: string | WebhookKey): string {
  const { id, secret } = keyOf(key);
  const mac = createHmac("sha256", secret).update(`${provider}:${paymentId}`).digest("base64url");
  return id === null ? mac : `${id}.${mac}`;
}

export function callbackUrl(publicBaseUrl: string, provider: string, paymentId: string, key: string | WebhookKey): string {
  const base = publicBaseUrl.replace(/\/+$/, "");
  return `${base}/webhooks/${encodeURIComponent(provider)}/${encodeURIComponent(paymentId)}/${callbackToken(provider, paymentId, key)}`;
}

/** Constant-time check of a token from a callback URL against the key its id names (base64url has no "."). */
export function verifyCallbackToken(provider: string, paymentId: string, token: string, keys: string | readonly WebhookKey[]): boolean {
  const dot = token.indexOf(".");
  const id = dot < 0 ? null : token.slice(0, dot);
  const key = (typeof keys === "string" ? [keyOf(keys)] : keys).find((k) => k.id === id);
  if (key === undefined) return false;
  const expected = Buffer.from(callbackToken(provider, paymentId, key));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
