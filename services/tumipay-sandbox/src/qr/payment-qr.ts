import { parseDecimal, toFixed } from "@riel/sandbox-kit";
import QRCode from "qrcode";

// The direct QR flow returns the QR as a base64 PNG. Real codes come from
// TumiPay's QR provider (an EMVCo payload the documents do not show); the
// sandbox encodes its own readable payment string instead:
//   TUMIPAY|PE|<ticket>|<amount with two decimals>
// e.g. TUMIPAY|PE|3f7a9b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c|50.00

export function qrPayload(ticket: string, amount: string): string {
  const decimal = parseDecimal(amount);
  if (decimal === undefined) throw new TypeError(`not a decimal amount: ${amount}`);
  return `TUMIPAY|PE|${ticket}|${toFixed(decimal, 2)}`;
}

/** A PNG of the payload, base64 without the data: prefix (as `qr_code_base_64`). */
export async function qrPngBase64(payload: string): Promise<string> {
  const png = await QRCode.toBuffer(payload, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 6 });
  return png.toString("base64");
}
