import type { WebhookModule, WebhookParse } from "@riel/provider-port";
import { parseJsonObject } from "@riel/provider-port";
import { ipnReport } from "./transformers.js";
import { ipnSchema } from "./types.js";

/**
 * Reads TumiPay's IPN (the supplement's top_* body), amounts kept exact. We send our payment id
 * as `reference`, so an IPN whose top_reference names another payment than its URL is refused.
 * No signature is documented (gap 3): the URL's per-payment token, checked by the receiver
 * before this runs, is what makes an IPN Riel's. A top_status the map does not know is reported
 * as UNSUPPORTED, which is never taken as success.
 */
export function parseTumipayIpn(text: string, paymentId: string): WebhookParse {
  const json = parseJsonObject(text);
  if (!json.ok) return { kind: "INVALID", errors: [{ field: "body", rule: json.rule }] };
  const body = json.value;
  const parsed = ipnSchema.safeParse(body);
  if (!parsed.success) {
    return { kind: "INVALID", errors: parsed.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "body", rule: i.message })) };
  }
  if (parsed.data.top_reference !== paymentId) return { kind: "INVALID", errors: [{ field: "top_reference", rule: "must be the payment id of the callback URL" }] };
  return { kind: "OK", reports: [ipnReport(parsed.data)] };
}

export const tumipayWebhooks: WebhookModule = {
  provider: "tumipay",
  parse: parseTumipayIpn,
  acknowledgement: { status: 200, body: { received: true } },
};
