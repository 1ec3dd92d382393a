/** The PNG signature: what a QR image must start with to be served or shown as one. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image of a pay-in's QR flow (base64, as the provider gave it) when it is a PNG; null otherwise. */
export function qrPng(base64: string | null | undefined): Buffer | null {
  if (!base64) return null;
  const png = Buffer.from(base64, "base64");
  return png.length > PNG_SIGNATURE.length && png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? png : null;
}
