import { createHmac } from "node:crypto";

/** Extra headers for one delivery attempt of `body`; called per attempt, so a timestamp is fresh. */
export type CallbackSigner = (body: string, at: Date) => Readonly<Record<string, string>>;

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: the body is
 * signed together with the time, so a receiver can refuse old replays.
 */
export function hmacSignatureValue(secret: string, body: string, unixSeconds: number): string {
  const t = String(unixSeconds);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}

/** A signer that puts hmacSignatureValue in `header`. Providers document none; each sandbox names its own header. */
export function hmacSigner(options: { readonly header: string; readonly secret: string }): CallbackSigner {
  const { header, secret } = options;
  if (header === "" || /\s/.test(header)) throw new TypeError("hmacSigner: header must be a non-empty name without whitespace");
  if (secret === "") throw new TypeError("hmacSigner: secret must not be empty");
  return (body, at) => ({ [header]: hmacSignatureValue(secret, body, Math.floor(at.getTime() / 1000)) });
}
