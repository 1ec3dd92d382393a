import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * No provider signs its callbacks (provider docs, gap 3). Each payment's callback URL carries
 * its own token, an HMAC of provider and payment id under Riel's secret: a provider needs no
 * change to follow it, a leaked URL exposes one payment only, and no URL can be made without
 * the secret. One scheme for every provider, checked in one place.
 */
export function callbackToken(provider: string, paymentId: string, secret: string): string {
  return createHmac("sha256", secret).update(`${provider}:${paymentId}`).digest("base64url");
}

export function callbackUrl(publicBaseUrl: string, provider: string, paymentId: string, secret: string): string {
  const base = publicBaseUrl.replace(/\/+$/, "");
  return `${base}/webhooks/${encodeURIComponent(provider)}/${encodeURIComponent(paymentId)}/${callbackToken(provider, paymentId, secret)}`;
}

/** Constant-time check of a token from a callback URL. */
export function verifyCallbackToken(provider: string, paymentId: string, token: string, secret: string): boolean {
  const expected = Buffer.from(callbackToken(provider, paymentId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
