import { JsonNumber, parseDecimal, toFixed, toPlainString, type JsonObject } from "@riel/sandbox-kit";
import type { Recipient } from "../dict-key/dict-directory.js";
import type { Order, OrderStatus, Refund, Wallet } from "../orders/order-store.js";
import { isoDate, statusHistoryDate } from "./dates.js";

// Pure mapping from sandbox orders to the documented wire bodies.
// Amounts: callbacks carry JSON numbers (as documented: "local_total_amount": 22),
// written from the decimal string so the number is exact; the status endpoint
// carries strings with four decimals ("7.0000"), as documented.

export const API_VERSION = "2.0";

function decimal(text: string) {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`order holds a malformed amount: ${text}`);
  return value;
}

export function jsonAmount(text: string): JsonNumber {
  return new JsonNumber(toPlainString(decimal(text)));
}

export function statusAmount(text: string | null): string | null {
  return text === null ? null : toFixed(decimal(text), 4);
}

function required(text: string | null, what: string, order: Order): string {
  if (text === null) throw new Error(`order ${order.id} has no ${what} yet`);
  return text;
}

export function validationResponse(recipient: Recipient): Recipient {
  return { ...recipient };
}

/** "missing_amount" when the order waits for an amount (open amount, PROCESS_LATER). */
export function previewAccepted(externalReference: string, localCurrency: string, status: "success" | "missing_amount" = "success") {
  return {
    status,
    external_reference: externalReference,
    message: "Preview is being processed.",
    local_currency: localCurrency,
  } as const;
}

export function previewAmountAccepted() {
  return { status: "success", message: "Preview is being processed." } as const;
}

function collector(order: Order): JsonObject {
  return {
    name: order.merchant.name,
    identification_number: order.merchant.identificationNumber,
    branch_office: order.merchant.branchOffice,
  };
}

/** The preview with a nested `order` (DICT previews, closed-amount QR, and a QR once its amount is known). */
export function previewCallback(order: Order): JsonObject {
  const body: JsonObject = {
    payment_type: order.paymentType,
    external_reference: order.externalReference,
    collector: collector(order),
    order: {
      id: order.id,
      status: "CREATED",
      local_total_amount: jsonAmount(required(order.localAmount, "local amount", order)),
      local_currency: order.localCurrency,
      user_total_amount: jsonAmount(required(order.userAmount, "user amount", order)),
      user_currency: order.userCurrency,
    },
  };
  // QR previews name their type before the version; DICT previews have no qr_type (as in each document's example).
  if (order.qrType !== null) body.qr_type = order.qrType;
  // A Peru phone key's owner is paid into one of its wallets, listed before the version as in the Peru document.
  if (order.wallets !== null) body.wallets = order.wallets.map(walletBody);
  body.version = API_VERSION;
  return body;
}

function walletBody(wallet: Wallet): JsonObject {
  return {
    id: wallet.id,
    brand: wallet.brand,
    mobile: wallet.mobile,
    present: wallet.present,
    directory: wallet.directory,
    participant_code: wallet.participantCode,
  };
}

/**
 * The flat preview of a QR order waiting for its amount (README gap 6): the
 * open-amount example's fields, as valid JSON. `order_status` is
 * WAITING_AMOUNT (the payer's amount comes by PUT) or PROCESS_LATER (the
 * merchant's, Argentina).
 */
export function awaitingAmountCallback(order: Order): JsonObject {
  return {
    order_id: order.id,
    order_status: order.status,
    local_currency: order.localCurrency,
    status: "OK",
    external_reference: order.externalReference,
    collector: collector(order),
  };
}

export function paymentCallback(order: Order, status: OrderStatus, date: Date): JsonObject {
  return {
    order_id: order.id,
    external_reference: order.externalReference,
    external_reference_id: order.externalReference,
    status,
    date: isoDate(date),
    payment_date: status === "COMPLETED" && order.paymentDate !== null ? isoDate(order.paymentDate) : null,
    merchant_identification_number: order.merchant.identificationNumber,
    merchant_name: order.merchant.name,
    error_code: order.errorCode,
  };
}

export function paymentStatus(order: Order) {
  return {
    id: order.id,
    status: order.status,
    creation_date: isoDate(order.createdAt),
    update_date: isoDate(order.updatedAt),
    local_amount: statusAmount(order.localAmount),
    local_currency: order.localCurrency,
    user_amount: statusAmount(order.userAmount),
    user_currency: order.userCurrency,
    external_reference: order.externalReference,
    merchant_identification_number: order.merchant.identificationNumber,
    merchant_name: order.merchant.name,
    statuses: order.history.map((change) => ({ status: change.status, created_at: statusHistoryDate(change.at) })),
  };
}

export function paymentAccepted() {
  return { status: "PROCESSING", message: "Payment in process" } as const;
}

/** Undocumented: the answer to `status: "rejected"`; the sandbox's guess in the documented style. */
export function paymentCanceled() {
  return { status: "CANCELED", message: "Payment canceled" } as const;
}

/** Provider docs gap 1: the refund call is undocumented; its answer is the sandbox's, in the pay answer's style. */
export function refundAccepted() {
  return { status: "PROCESSING", message: "Refund in process" } as const;
}

export type RefundCallbackStatus = "PARTIALLY_REFUNDED" | "REFUNDED" | "REJECTED";

/** The documented refund notification (`merchant_name`, as in the examples, not the table's `merchart_name`): one per refund, with that refund's amount. */
export function refundCallback(order: Order, refund: Refund, status: RefundCallbackStatus, errorCode: string | null, date: Date): JsonObject {
  return {
    order_id: order.id,
    external_reference: order.externalReference,
    status,
    date: isoDate(date),
    payment_date: order.paymentDate === null ? null : isoDate(order.paymentDate),
    merchant_identification_number: order.merchant.identificationNumber,
    merchant_name: order.merchant.name,
    error_code: errorCode,
    amount: jsonAmount(refund.amount),
    currency: order.localCurrency,
  };
}
