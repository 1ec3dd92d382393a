import type { CallbackIssue, WebhookModule, WebhookParse } from "@riel/provider-port";
import { parseJsonObject } from "@riel/provider-port";
import { openPreviewReport, previewReport, statusReport } from "./transformers.js";
import { openAmountCallbackSchema, previewCallbackSchema, statusCallbackSchema } from "./types.js";

type Issues = { error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
const issues = (r: Issues): CallbackIssue[] => r.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "body", rule: i.message }));

/**
 * Tells Depay's three callback shapes apart (nested-order preview, flat open-amount preview,
 * status) and checks the one it is. We send our payment id as `external_reference`, so a
 * callback that names another payment than its URL is refused.
 */
export function parseDepayCallback(text: string, paymentId: string): WebhookParse {
  const json = parseJsonObject(text);
  if (!json.ok) return { kind: "INVALID", errors: [{ field: "body", rule: json.rule }] };
  const body = json.value;
  let parsed: WebhookParse & { reference?: string };
  if ("order" in body) {
    const r = previewCallbackSchema.safeParse(body);
    parsed = r.success ? { kind: "OK", reports: [previewReport(r.data)], reference: r.data.external_reference } : { kind: "INVALID", errors: issues(r) };
  } else if ("order_status" in body) {
    const r = openAmountCallbackSchema.safeParse(body);
    parsed = r.success ? { kind: "OK", reports: [openPreviewReport(r.data)], reference: r.data.external_reference } : { kind: "INVALID", errors: issues(r) };
  } else {
    const r = statusCallbackSchema.safeParse(body);
    parsed = r.success ? { kind: "OK", reports: [statusReport(r.data)], reference: r.data.external_reference } : { kind: "INVALID", errors: issues(r) };
  }
  if (parsed.kind === "INVALID") return parsed;
  if (parsed.reference !== paymentId) return { kind: "INVALID", errors: [{ field: "external_reference", rule: "must be the payment id of the callback URL" }] };
  return { kind: "OK", reports: parsed.reports };
}

export const depayWebhooks: WebhookModule = {
  provider: "depay",
  parse: parseDepayCallback,
  acknowledgement: { status: 200, body: { received: true } },
};
