import { createHmac } from "node:crypto";

/**
 * The sandbox's proposal for callback authenticity (the provider documents
 * none): `x-depay-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
 */
export const SIGNATURE_HEADER = "x-depay-signature";

export function signCallbackBody(secret: string, body: string, unixSeconds: number): string {
  const t = String(unixSeconds);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}
