import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Depay signs nothing (README gap 3). Each payment's notification_url carries its own
 * token, an HMAC of the payment id under our secret: a provider needs no change to follow
 * it, a leaked URL exposes one payment only, and nothing without the secret can make one.
 */
export function callbackToken(paymentId: string, secret: string): string {
  return createHmac("sha256", secret).update(`depay:${paymentId}`).digest("base64url");
}

export function callbackUrl(publicBaseUrl: string, paymentId: string, secret: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/webhooks/depay/${encodeURIComponent(paymentId)}/${callbackToken(paymentId, secret)}`;
}

/** Constant-time check of a token from a callback URL. */
export function verifyCallbackToken(paymentId: string, token: string, secret: string): boolean {
  const expected = Buffer.from(callbackToken(paymentId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
