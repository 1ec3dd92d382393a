import type { ProviderReport, StepResult } from "@riel/provider-port";
import { JsonDecimal, providerReport } from "@riel/provider-port";
import type { PaymentStatus } from "@riel/rails";
import { formatAmount, isCurrencyCode, parseAmount } from "@riel/rails";
import type { InitiatePayment, Money, PayerInstructions, PeruPayinDetails } from "@riel/schemas";
import type { TumipayResponse } from "./client.js";
import type { ErrorBody, Ipn, PayinRequest, PayinSuccess, TumipayDocType, TumipayPaymentMethod } from "./types.js";
import { envelopeSchema, errorBodySchema, lookupSchema, payinSuccessSchema, TUMIPAY_DOC_TYPES, TUMIPAY_PAYMENT_METHODS } from "./types.js";

export const paths = {
  payin: "/api/v1/payin",
  transaction: (ticket: string) => `/api/v1/transaction/${encodeURIComponent(ticket)}`,
} as const;

/**
 * TumiPay's statuses in Riel's, decided here once. Two vocabularies: the IPN's, and the lookup's,
 * whose schema lists PENDING/COMPLETED/FAILED/EXPIRED while its example answers REJECTED
 * (supplement). The lookup takes both, and the IPN's words too in case it answers them.
 *
 * A lookup PENDING covers a transaction the payer has not started as much as one in progress:
 * it is AWAITING_PAYMENT, never PROCESSING, so a status query cannot tell upstream the payer is
 * paying when they have not. After an IPN PENDING (PROCESSING) the state machine keeps
 * PROCESSING, the later status, so nothing moves backwards.
 */
const IPN_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  CREATED: "AWAITING_PAYMENT",
  PENDING: "PROCESSING",
  APPROVED: "COMPLETED",
  REJECTED: "REJECTED",
  DECLINED: "DECLINED",
  EXPIRED: "EXPIRED",
};

const LOOKUP_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  CREATED: "AWAITING_PAYMENT",
  PENDING: "AWAITING_PAYMENT",
  COMPLETED: "COMPLETED",
  APPROVED: "COMPLETED",
  REJECTED: "REJECTED",
  FAILED: "REJECTED",
  DECLINED: "DECLINED",
  EXPIRED: "EXPIRED",
};

export type Vocabulary = "ipn" | "lookup";

/** Anything TumiPay says that is not in the table is "not supported", never success. */
export function mapStatus(vocabulary: Vocabulary, status: string): PaymentStatus | "UNSUPPORTED" {
  const table = vocabulary === "ipn" ? IPN_STATUSES : LOOKUP_STATUSES;
  return Object.hasOwn(table, status) ? (table[status] as PaymentStatus) : "UNSUPPORTED";
}

/** A successful create is a transaction in TumiPay's CREATED status (the IPN's "initiated, not processed yet"). */
export const CREATED_STATUS = "CREATED";

/**
 * TumiPay writes amounts as JSON floats (`1.50`, `5000`; gap 10). They arrive as exact text and
 * are brought to the currency's minor units when no digit is lost; otherwise left out rather
 * than rounded.
 */
export function moneyOf(amount: string | null | undefined, currency: string | null | undefined): Money | null {
  if (amount == null || !currency || !isCurrencyCode(currency)) return null;
  if (!/^\d+(?:\.\d+)?$/.test(amount)) return null;
  // Trailing zeros only from where their run starts: /0+$/ alone retries every zero of a long run
  // that is not at the end ("1.000…0001"), quadratic time on a provider's 60 KB amount.
  const trimmed = amount.includes(".") ? amount.replace(/(?<!0)0+$/, "").replace(/\.$/, "") : amount;
  const parsed = parseAmount(trimmed, currency);
  return parsed.ok ? { amount: formatAmount(parsed.value), currency } : null;
}

/** Whether `amount` (PEN) is above `limit` ("500.00"); an amount that cannot be read is not judged here. */
export function exceedsLimit(amount: Money, limit: string): boolean {
  if (!isCurrencyCode(amount.currency)) return false;
  const a = parseAmount(amount.amount, amount.currency);
  const l = parseAmount(limit, amount.currency);
  return a.ok && l.ok && a.value.minor > l.value.minor;
}

/** Riel's document types to TumiPay's: a passport is PPN. */
export function docTypeOf(documentType: string): TumipayDocType | null {
  if (documentType === "PASSPORT") return "PPN";
  return (TUMIPAY_DOC_TYPES as readonly string[]).includes(documentType) ? (documentType as TumipayDocType) : null;
}

const paymentMethodOf = (channel: string): TumipayPaymentMethod | null =>
  (TUMIPAY_PAYMENT_METHODS as readonly string[]).includes(channel) ? (channel as TumipayPaymentMethod) : null;

export function payinDetails(cmd: InitiatePayment): PeruPayinDetails | null {
  const details = cmd.details;
  return details !== null && "riel.PeruPayinDetails" in details ? details["riel.PeruPayinDetails"] : null;
}

/**
 * The pay-in request of a command. Our payment id travels as `reference`: IPNs carry it back, and
 * a create retried after a timeout repeats the identical body under the same reference, which
 * TumiPay answers with the first transaction (it has no idempotency header). So the body holds
 * nothing that changes between attempts. Null when the command is not a Peru pay-in.
 */
export function payinRequest(cmd: InitiatePayment, ipnUrl: string): PayinRequest | null {
  const details = payinDetails(cmd);
  if (details === null || cmd.amount === null) return null;
  const docType = docTypeOf(details.customer.documentType);
  const method = paymentMethodOf(details.channel);
  if (docType === null || method === null) return null;
  const { customer } = details;
  return {
    reference: cmd.envelope.paymentId,
    amount: new JsonDecimal(cmd.amount.amount),
    currency: "PEN",
    country: "PE",
    payment_method: method,
    ...(details.description === null ? {} : { description: details.description }),
    customer_data: {
      legal_doc: customer.documentNumber,
      legal_doc_type: docType,
      phone_code: customer.phoneCode,
      phone_number: customer.phoneNumber,
      email: customer.email,
      full_name: customer.fullName,
    },
    expiration_time: details.expirationMinutes,
    ipn_url: ipnUrl,
    redirect_url: details.redirectUrl,
  };
}

const report = providerReport;

const ok2xx = (res: TumipayResponse): boolean => res.status >= 200 && res.status < 300;

function errorBody(res: TumipayResponse): ErrorBody {
  const parsed = errorBodySchema.safeParse(res.body);
  return parsed.success ? parsed.data : {};
}

/** What an error answer says, in its own words: its message, then each broken rule. */
function said(body: ErrorBody, fallback: string): string {
  const rules = (body.errors ?? []).map((e) => [e.field, e.message].filter(Boolean).join(": ")).filter(Boolean);
  const parts = [body.message ?? "", ...rules.filter((r) => r !== body.message)].filter(Boolean);
  return parts.join("; ") || fallback;
}

/** A 4xx answer as a refusal with a stable code (or, for our own reference, a conflict). None is worth retrying as is. */
export function refusal(res: TumipayResponse): StepResult {
  const body = errorBody(res);
  const text = said(body, `HTTP ${res.status}`);
  const refused = (code: string, reason: string): StepResult => ({ kind: "REFUSED", code, reason, retryable: false });
  if (res.status === 401 || res.status === 403) return refused("PROVIDER_AUTH", `TumiPay refused Riel's credentials (HTTP ${res.status}): ${text}`);
  switch (body.error) {
    case "QR_AMOUNT_LIMIT_EXCEEDED":
      return refused("QR_AMOUNT_LIMIT_EXCEEDED", `the amount is above TumiPay's limit for QR payments: ${text}`);
    case "TRANSACTION_IN_PROGRESS":
      return refused(
        "TRANSACTION_IN_PROGRESS",
        `TumiPay already has an active transaction for this payer's email and this amount (another payment); it takes no second one until that one ends: ${text}`,
      );
    case "DUPLICATE_REFERENCE":
      // The reference is Riel's payment id: only this payment's own earlier create can hold it. A
      // command delivered again with a different body (another callback URL, say) must not end the
      // payment REJECTED while its transaction lives: the IPNs and the lookup say where it is.
      return { kind: "CONFLICT", reason: `TumiPay already holds this payment's transaction: ${text}` };
    default:
      break;
  }
  if (res.status === 404) return refused("ORDER_NOT_FOUND", text);
  return refused("PROVIDER_BAD_REQUEST", text);
}

/**
 * RETRY: HTTP 200 with code "00", the QR could not be generated at TumiPay's side (gap 10), or an
 * answer that cannot be read. Nothing is known to exist; the same request again is safe (same
 * reference). Never success.
 */
export type PayinOutcome = StepResult | { readonly kind: "RETRY"; readonly reason: string };

export interface PayinContext {
  readonly command: InitiatePayment;
  readonly now: Date;
}

/**
 * The create's answer. Riel trusts its own amount: the documents' example echoes `amount: 5000`
 * for a request of 150 (gap 10), so the report carries the command's amount and, when the echo
 * differs, says so in its reason for whoever reads the payment's history.
 */
export function interpretPayin(res: TumipayResponse, context: PayinContext): PayinOutcome {
  if (!ok2xx(res)) return refusal(res);
  const head = envelopeSchema.safeParse(res.body);
  if (head.success && head.data.code === "00") return { kind: "RETRY", reason: `code 00: ${head.data.message ?? "no message"}` };
  const parsed = payinSuccessSchema.safeParse(res.body);
  // Unreadable: nothing is known of the transaction. The same reference again gets its answer again.
  if (!parsed.success) return { kind: "RETRY", reason: "unreadable pay-in answer" };
  return { kind: "OK", reports: [createdReport(parsed.data, context)] };
}

export function createdReport(answer: PayinSuccess, { command, now }: PayinContext): ProviderReport {
  const { data } = answer;
  const details = payinDetails(command);
  const ours = command.amount;
  const echoed = data.transaction?.amount ?? null;
  const echoedMoney = moneyOf(echoed, data.transaction?.currency ?? ours?.currency);
  const mismatch = ours !== null && echoed !== null && (echoedMoney === null || echoedMoney.amount !== ours.amount || echoedMoney.currency !== ours.currency);
  const instructions: PayerInstructions = {
    paymentUrl: data.payment_url ?? null,
    qrPngBase64: data.qr_code_base_64 ?? null,
    ticket: data.ticket,
    expiresAt: details === null ? null : new Date(now.getTime() + details.expirationMinutes * 60_000).toISOString(),
  };
  return report({
    providerOrderId: data.ticket,
    status: mapStatus("ipn", CREATED_STATUS),
    providerStatus: CREATED_STATUS,
    amount: ours,
    reason:
      mismatch && ours !== null
        ? `AMOUNT_ECHO_MISMATCH: TumiPay's answer echoed amount ${echoed} for ${ours.amount} ${ours.currency}; Riel keeps ${ours.amount} ${ours.currency}, the amount it sent (provider docs gap 10)`
        : null,
    payerInstructions: instructions,
    fact: ["created", data.ticket],
  });
}

/** GET /api/v1/transaction/{ticket}; a 404 is ORDER_NOT_FOUND. */
export function interpretLookup(res: TumipayResponse): StepResult {
  if (!ok2xx(res)) return refusal(res);
  const parsed = lookupSchema.safeParse(res.body);
  if (!parsed.success) {
    const head = envelopeSchema.safeParse(res.body);
    const reason = head.success && head.data.code === "00" ? (head.data.message ?? "code 00") : "unreadable lookup answer";
    return { kind: "REFUSED", code: "PROVIDER_BAD_ANSWER", reason, retryable: true };
  }
  const t = parsed.data.data;
  return {
    kind: "OK",
    reports: [
      report({
        providerOrderId: t.ticket,
        status: mapStatus("lookup", t.status),
        providerStatus: t.status,
        amount: moneyOf(t.amount, t.currency),
        reason: t.response_message ?? null,
        fact: ["lookup", t.ticket, t.status],
      }),
    ],
  };
}

/** An IPN as a report; the same ticket and status told twice is one fact. */
export function ipnReport(ipn: Ipn): ProviderReport {
  return report({
    providerOrderId: ipn.top_ticket,
    status: mapStatus("ipn", ipn.top_status),
    providerStatus: ipn.top_status,
    amount: moneyOf(ipn.top_amount, ipn.top_currency),
    reason: ipn.top_response_message ?? null,
    fact: ["ipn", ipn.top_ticket, ipn.top_status],
  });
}
