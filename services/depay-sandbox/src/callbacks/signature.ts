import { hmacSignatureValue, hmacSigner, type CallbackSigner } from "@riel/sandbox-kit";

/**
 * The sandbox's proposal for callback authenticity (the provider documents
 * none): `x-depay-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
 */
export const SIGNATURE_HEADER = "x-depay-signature";

export function signCallbackBody(secret: string, body: string, unixSeconds: number): string {
  return hmacSignatureValue(secret, body, unixSeconds);
}

export function depaySigner(secret: string): CallbackSigner {
  return hmacSigner({ header: SIGNATURE_HEADER, secret });
}
