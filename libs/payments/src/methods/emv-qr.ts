import { z } from "zod";
import type { QrIssue } from "@riel/rails";
import { decodeQr, formatAmount, isCurrencyCode } from "@riel/rails";
import type { FieldError } from "../errors.js";
import { checkAmount, commonFields } from "../common.js";
import type { MethodView } from "../method.js";
import { maskPersonal } from "../mask.js";
import { defineMethod, noLaterAmount } from "../method.js";

/**
 * The countries whose EMVCo QR codes Riel pays through Depay, with the currency each code must
 * be in. A code of another country or currency is refused before anything is published: paying
 * it would send money through a network the provider does not reach, or convert it by surprise.
 */
export const QR_COUNTRY_CURRENCIES: Readonly<Record<string, string>> = {
  AR: "ARS",
  BR: "BRL",
  CL: "CLP",
  CO: "COP",
  MX: "MXN",
  PE: "PEN",
};

/** Pix allows at most 512 characters; other EMVCo codes are shorter still in practice. */
const MAX_QR = 1024;

const where = (issue: QrIssue): string =>
  [issue.tag !== null ? `tag ${issue.tag}` : null, issue.offset !== null ? `offset ${issue.offset}` : null].filter(Boolean).join(", ");

/** A decoder issue as a field error that says where (offset, tag) and why. */
export function qrFieldError(issue: QrIssue): FieldError {
  const at = where(issue);
  return { field: "qr", rule: `${issue.rule}${at ? ` (${at})` : ""}: ${issue.message}` };
}

/** An EMVCo merchant-presented QR code (closed or open amount; Argentina's PROCESS_LATER), paid through Depay. */
export const emvQr = defineMethod({
  method: "EMV_QR",
  provider: "depay",
  summary: "EMVCo merchant QR code (closed amount, open amount, Argentina PROCESS_LATER) in AR, BR, CL, CO, MX or PE",
  schema: z.strictObject({
    method: z.literal("EMV_QR"),
    qr: z.string({ error: "must be the QR payload as text" }).min(1, "must not be empty").max(MAX_QR, `must be at most ${MAX_QR} characters`),
    amount: z
      .unknown()
      .optional()
      .refine((v) => v === undefined, {
        message:
          "must be absent: a closed-amount code carries its amount, and an open-amount code's amount is sent with POST /v1/payments/{id}/amount once the payment is WAITING_AMOUNT",
      }),
    ...commonFields,
  }),
  check(body) {
    const decoded = decodeQr(body.qr);
    if (!decoded.ok) return { ok: false, errors: decoded.error.map(qrFieldError) };
    const qr = decoded.value;
    const errors: FieldError[] = [];
    const currency = QR_COUNTRY_CURRENCIES[qr.country];
    if (currency === undefined) {
      errors.push({
        field: "qr",
        rule: `UNSUPPORTED_COUNTRY (tag 58): the code is from ${qr.country}; Riel pays QR codes from ${Object.keys(QR_COUNTRY_CURRENCIES).join(", ")}`,
      });
    } else if (qr.currency !== currency) {
      errors.push({ field: "qr", rule: `UNSUPPORTED_CURRENCY (tag 53): a ${qr.country} code must be in ${currency}, this one is in ${qr.currency}` });
    }
    if (qr.pixRecurrence !== null && !qr.pixRecurrence.withPayment) {
      errors.push({
        field: "qr",
        rule: `PIX_RECURRENCE (tag ${qr.pixRecurrence.tag}): the code only authorises a Pix Automático recurrence and carries no payment; Riel pays, it does not sign up recurrences`,
      });
    }
    if (errors.length > 0) return { ok: false, errors };
    const warnings = qr.warnings;
    return {
      ok: true,
      value: {
        method: "EMV_QR",
        amount: qr.amount === null ? null : { amount: formatAmount(qr.amount), currency: qr.currency },
        currency: qr.currency,
        payer: body.payer,
        externalReference: body.externalReference,
        details: {
          "riel.EmvQrDetails": {
            // Whitespace a scanner or a paste put around the code is not part of it (the decoder warns of it).
            qr: body.qr.trim(),
            country: qr.country,
            currency: qr.currency,
            amountMode: qr.amount === null ? "OPEN" : "CLOSED",
            initiation: qr.initiation,
            merchantName: qr.merchantName,
            merchantCity: qr.merchantCity,
            warnings: warnings.map((w) => qrFieldError(w).rule),
          },
        },
      },
    };
  },
  bodyOf(command) {
    const details = command.details;
    if (details === null || !("riel.EmvQrDetails" in details)) return null;
    return { method: "EMV_QR", qr: details["riel.EmvQrDetails"].qr, payer: command.payer, externalReference: command.externalReference };
  },
  laterAmount(details, amount) {
    if (!("riel.EmvQrDetails" in details)) return noLaterAmount("must be absent: this payment is not a QR code payment");
    const qr = details["riel.EmvQrDetails"];
    if (qr.amountMode === "CLOSED") return noLaterAmount("must be absent: the QR code carries its own amount (closed amount)");
    if (!isCurrencyCode(qr.currency)) return noLaterAmount(`cannot be checked: the code's currency ${qr.currency} is unknown`);
    const checked = checkAmount("amount", amount, qr.currency);
    return checked.ok ? { ok: true, value: checked.value } : { ok: false, errors: checked.errors };
  },
  currencyOf: (details) => ("riel.EmvQrDetails" in details ? details["riel.EmvQrDetails"].currency : ""),
  // A person's Pix QR carries their key: the payload is kept masked; later checks read the decoded fields.
  atRest(details) {
    if (!("riel.EmvQrDetails" in details)) return details;
    const qr = details["riel.EmvQrDetails"];
    return { "riel.EmvQrDetails": { ...qr, qr: maskPersonal(qr.qr, 4) } };
  },
  view(details): MethodView {
    if (!("riel.EmvQrDetails" in details)) return {};
    const { country, currency, amountMode, initiation, merchantName, merchantCity, warnings } = details["riel.EmvQrDetails"];
    return { country, currency, amountMode, initiation, merchantName, merchantCity, warnings };
  },
});
