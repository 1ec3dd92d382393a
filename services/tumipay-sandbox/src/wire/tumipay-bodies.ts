import { JsonNumber, type JsonObject } from "@riel/sandbox-kit";
import type { Outcome, Transaction, TransactionStatus } from "../transactions/transaction-store.js";
import { tumipayDate } from "./dates.js";

// Pure mapping from a transaction to TumiPay's documented bodies: the pay-in
// answer, the IPN (the supplement's top_* fields) and the lookup. Amounts are
// JsonNumbers written from the request's own text, so they are exact.

export const SUCCESS_MESSAGE = "Operacion exitosa";

export interface PayinAnswerOptions {
  /** The QR image (base64 PNG) of a QR transaction. */
  readonly qrPngBase64?: string;
  /** Gap 10: the document's example echoes `amount: 5000` for a request of 150; a test email reproduces it. */
  readonly echoAmountText?: string;
}

export function payinAnswer(t: Transaction, options: PayinAnswerOptions = {}): JsonObject {
  const data: JsonObject = {
    ticket: t.ticket,
    date: tumipayDate(t.createdAt),
    payment_url: t.paymentUrl,
  };
  if (options.qrPngBase64 !== undefined) data.qr_code_base_64 = options.qrPngBase64;
  data.transaction = {
    reference: t.reference,
    amount: new JsonNumber(options.echoAmountText ?? t.amountText),
    currency: t.currency,
    payment_method: t.paymentMethod,
    redirect_url: t.redirectUrl,
    ipn_url: t.ipnUrl,
    description: t.description,
  };
  return { code: "01", status: "SUCCESS", message: SUCCESS_MESSAGE, data };
}

export const RESPONSE_MESSAGES: Readonly<Record<TransactionStatus, string>> = {
  CREATED: "Transacción creada",
  PENDING: "Transacción en proceso",
  APPROVED: "Transacción exitosa",
  REJECTED: "Transacción rechazada por la entidad financiera",
  DECLINED: "Transacción declinada por las reglas de seguridad",
  EXPIRED: "Transacción expirada",
};

/** The bank behind each method once the payer has started (sandbox's choice; "" before, e.g. an unpaid link that expired). */
export const BANK_NAMES: Readonly<Record<Transaction["paymentMethod"], string>> = {
  BANK_TRANSFER: "BANCO DE CREDITO DEL PERU",
  QR: "BANCO DE CREDITO DEL PERU",
  ALL_METHODS: "BANCO DE CREDITO DEL PERU",
  PAGOEFECTIVO: "PAGOEFECTIVO",
  CARD: "INTERBANK",
};

/** The sandbox's test card, shown in top_card of CARD payments. */
export const TEST_CARD = { bank: "INTERBANK", bin: "411111", country: "PE", lastFourDigits: "1111", type: "credit", brand: "VISA" } as const;

export function ipnBody(t: Transaction): JsonObject {
  const body: JsonObject = {
    top_status: t.status,
    top_ticket: t.ticket,
    top_reference: t.reference,
    top_amount: new JsonNumber(t.amountText),
    top_currency: t.currency,
    top_payment_method: t.paymentMethod,
    top_bank_name: t.payerStarted ? BANK_NAMES[t.paymentMethod] : "",
    top_response_message: RESPONSE_MESSAGES[t.status],
    top_user: {
      legal_doc_type: t.customer.legalDocType,
      legal_doc: t.customer.legalDoc,
      phone_code: t.customer.phoneCode,
      phone_number: t.customer.phoneNumber,
      email: t.customer.email,
      full_name: t.customer.fullName,
    },
  };
  if (t.paymentMethod === "CARD" && t.payerStarted) body.top_card = { ...TEST_CARD };
  body.top_user_email = t.customer.email;
  body.top_user_phone = t.customer.phoneNumber;
  body.top_extra_params1 = "";
  return body;
}

/** The lookup's vocabulary (the supplement's contradiction, decided once): COMPLETED for APPROVED, PENDING for anything not final. */
export type LookupStatus = "PENDING" | "COMPLETED" | Exclude<Outcome, "APPROVED"> | "EXPIRED";

export function lookupStatus(status: TransactionStatus): LookupStatus {
  switch (status) {
    case "CREATED":
    case "PENDING":
      return "PENDING";
    case "APPROVED":
      return "COMPLETED";
    case "REJECTED":
    case "DECLINED":
    case "EXPIRED":
      return status;
    default: {
      const unreachable: never = status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/** As the lookup example: digits as a JSON number; kept a string when a number would lose a leading zero. */
export function digitsAsNumber(text: string): JsonNumber | string {
  return /^[1-9]\d*$/.test(text) ? new JsonNumber(text) : text;
}

/** CUS, the bank's tracking code: deterministic per ticket once the payer started, "" before. */
export function cusOf(t: Transaction): string {
  if (!t.payerStarted) return "";
  let hash = 0n;
  for (const ch of t.ticket) hash = (hash * 31n + BigInt(ch.charCodeAt(0))) % 10_000_000_000n;
  return String(1_000_000_000n + (hash % 9_000_000_000n));
}

export function lookupBody(t: Transaction): JsonObject {
  return {
    code: "01",
    status: "SUCCESS",
    data: {
      ticket: t.ticket,
      reference: t.reference,
      amount: new JsonNumber(t.amountText),
      currency: t.currency,
      type_transaction: "Recaudo",
      customer: {
        email: t.customer.email,
        full_name: t.customer.fullName,
        legal_doc: digitsAsNumber(t.customer.legalDoc),
        phone_code: t.customer.phoneCode,
        phone_number: digitsAsNumber(t.customer.phoneNumber),
        legal_doc_type: t.customer.legalDocType,
      },
      status: lookupStatus(t.status),
      response_message: RESPONSE_MESSAGES[t.status],
      date: tumipayDate(t.createdAt),
      cus: cusOf(t),
      metadata: [],
    },
  };
}
