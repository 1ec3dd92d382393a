import { z } from "zod";
import { formatAmount, parseAmount, validatePeruDocument } from "@riel/rails";
import type { PeruPayinDetails } from "@riel/schemas";
import type { FieldError } from "../errors.js";
import { checkAmount, commonFields, moneySchema, text } from "../common.js";
import type { MethodDetails, MethodView } from "../method.js";
import { maskPersonal } from "../mask.js";
import { defineMethod, noLaterAmount } from "../method.js";

/** How the payer pays: TumiPay's payment_method. ALL_METHODS lets the payer choose on the hosted page. */
export const PAYIN_CHANNELS = ["BANK_TRANSFER", "QR", "PAGOEFECTIVO", "ALL_METHODS", "CARD"] as const;

/** The payer's identity document, as TumiPay names it (PPN is a passport). */
export const PAYIN_DOCUMENT_TYPES = ["DNI", "RUC", "CE", "PPN"] as const;
type PayinDocumentType = (typeof PAYIN_DOCUMENT_TYPES)[number];

/** The QR provider's limit per transaction in Peru (S/ 500, tumipay-payin-peru.txt). */
export const PERU_QR_LIMIT = "500.00";
export const DEFAULT_EXPIRATION_MINUTES = 720;
/** One week: TumiPay gives no ceiling; a link open longer is more likely forgotten than paid. */
export const MAX_EXPIRATION_MINUTES = 10_080;
const MAX_URL = 2048;

/** The rails library's name of a document type: TumiPay's PPN is Riel's PASSPORT. */
const railsDocumentType = (type: PayinDocumentType): string => (type === "PPN" ? "PASSPORT" : type);

const expirationRule = `must be a whole number of minutes from 1 to ${MAX_EXPIRATION_MINUTES} (one week); leave it out for ${DEFAULT_EXPIRATION_MINUTES} (12 hours)`;
const urlRule = "must be an absolute https URL (http only for localhost), at most 2048 characters";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isRedirectUrl(value: string): boolean {
  if (value.length > MAX_URL || /\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hostname === "") return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

const customerSchema = z.strictObject({
  documentType: z.enum(PAYIN_DOCUMENT_TYPES, { error: `must be one of: ${PAYIN_DOCUMENT_TYPES.join(", ")} (PPN: passport)` }),
  documentNumber: text(20),
  phoneCode: z.string({ error: "must be a string" }).regex(/^\d{1,3}$/, "must be 1 to 3 digits: the country calling code without +, e.g. 51"),
  phoneNumber: z.string({ error: "must be a string" }).regex(/^\d{6,15}$/, "must be 6 to 15 digits, without the country code"),
  email: z.string({ error: "must be a string" }).trim().max(254, "must be at most 254 characters").pipe(z.email({ error: "must be an email address" })),
  fullName: text(200),
});

function payinOf(details: MethodDetails): PeruPayinDetails | null {
  return "riel.PeruPayinDetails" in details ? details["riel.PeruPayinDetails"] : null;
}

/**
 * Peru pay-in: the payer pays Riel's merchant in PEN at TumiPay, by bank transfer, a QR image, a
 * PagoEfectivo voucher or a card; the payment waits AWAITING_PAYMENT with the payer's link or QR
 * until TumiPay tells the outcome.
 */
export const peruPayin = defineMethod({
  method: "PERU_PAYIN",
  provider: "tumipay",
  // TumiPay documents no refunds of pay-ins.
  refundable: false,
  summary: "Peru pay-in (PE, PEN): the payer pays through TumiPay by bank transfer, QR (up to S/ 500.00), PagoEfectivo voucher or card",
  schema: z.strictObject({
    method: z.literal("PERU_PAYIN"),
    channel: z.enum(PAYIN_CHANNELS, { error: `must be one of: ${PAYIN_CHANNELS.join(", ")}` }),
    amount: moneySchema,
    customer: customerSchema,
    description: text(200).optional(),
    expirationMinutes: z
      .number({ error: expirationRule })
      .int(expirationRule)
      .min(1, `must be at least 1: 0 minutes would expire the payment before the payer could pay (${expirationRule})`)
      .max(MAX_EXPIRATION_MINUTES, expirationRule)
      .optional(),
    redirectUrl: z.string({ error: urlRule }).refine(isRedirectUrl, urlRule),
    externalReference: commonFields.externalReference,
  }),
  check(body) {
    const errors: FieldError[] = [];
    if (body.amount.currency !== "PEN") errors.push({ field: "amount.currency", rule: "must be PEN: Peru pay-ins are in soles" });
    const amount = checkAmount("amount", { amount: body.amount.amount, currency: "PEN" }, "PEN");
    if (!amount.ok) errors.push(...amount.errors.filter((e) => e.field !== "amount.currency"));
    if (amount.ok && body.channel === "QR") {
      const limit = parseAmount(PERU_QR_LIMIT, "PEN");
      if (limit.ok && amount.rails.minor > limit.value.minor) {
        errors.push({ field: "amount.amount", rule: `QR_AMOUNT_LIMIT_EXCEEDED: a QR pay-in takes at most S/ ${formatAmount(limit.value)}; use another channel` });
      }
    }
    const { customer } = body;
    const document = validatePeruDocument(railsDocumentType(customer.documentType), customer.documentNumber);
    if (!document.ok) errors.push({ field: "customer.documentNumber", rule: `${document.error.rule}: ${document.error.message}` });
    if (errors.length > 0 || !amount.ok || !document.ok) return { ok: false, errors };
    const canonical = { ...customer, documentNumber: document.value };
    return {
      ok: true,
      value: {
        method: "PERU_PAYIN",
        amount: amount.value,
        currency: "PEN",
        // The payer of a pay-in is the customer; taxIdType in the rails' words (PASSPORT, not PPN).
        payer: { fullName: customer.fullName, currency: "PEN", accountNumber: "", taxId: document.value, taxIdType: railsDocumentType(customer.documentType) },
        externalReference: body.externalReference,
        details: {
          "riel.PeruPayinDetails": {
            channel: body.channel,
            customer: canonical,
            description: body.description ?? null,
            expirationMinutes: body.expirationMinutes ?? DEFAULT_EXPIRATION_MINUTES,
            redirectUrl: body.redirectUrl,
          },
        },
      },
    };
  },
  bodyOf(command) {
    const details = command.details === null ? null : payinOf(command.details);
    if (details === null) return null;
    return {
      method: "PERU_PAYIN",
      channel: details.channel,
      amount: command.amount,
      customer: { ...details.customer },
      ...(details.description === null ? {} : { description: details.description }),
      expirationMinutes: details.expirationMinutes,
      redirectUrl: details.redirectUrl,
      externalReference: command.externalReference,
    };
  },
  laterAmount: () => noLaterAmount("must be absent: a Peru pay-in's amount is fixed when it is created"),
  currencyOf: () => "PEN",
  // The customer is a person: kept masked (nothing later reads them; TumiPay has the transaction).
  atRest(details) {
    const payin = payinOf(details);
    if (!payin) return details;
    const { customer } = payin;
    return {
      "riel.PeruPayinDetails": {
        ...payin,
        customer: { ...customer, documentNumber: maskPersonal(customer.documentNumber, 3), phoneNumber: maskPersonal(customer.phoneNumber, 3), email: maskPersonal(customer.email, 0), fullName: maskPersonal(customer.fullName, 0) },
      },
    };
  },
  // The document number, email and phone are personal data: a view shows none of them.
  view(details): MethodView {
    const payin = payinOf(details);
    return payin ? { channel: payin.channel, expirationMinutes: String(payin.expirationMinutes), documentType: payin.customer.documentType } : {};
  },
});
