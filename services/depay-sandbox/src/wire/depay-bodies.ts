import { JsonNumber, type JsonObject } from "../json/lossless-json.js";
import { parseDecimal, toFixed, toPlainString } from "../money/decimal.js";
import type { Recipient } from "../dict-key/dict-directory.js";
import type { Order, OrderStatus } from "../orders/order-store.js";
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

export function statusAmount(text: string): string {
  return toFixed(decimal(text), 4);
}

export function validationResponse(recipient: Recipient): Recipient {
  return { ...recipient };
}

export function previewAccepted(externalReference: string, localCurrency: string) {
  return {
    status: "success",
    external_reference: externalReference,
    message: "Preview is being processed.",
    local_currency: localCurrency,
  } as const;
}

export function previewCallback(order: Order): JsonObject {
  return {
    payment_type: order.paymentType,
    external_reference: order.externalReference,
    collector: {
      name: order.merchant.name,
      identification_number: order.merchant.identificationNumber,
      branch_office: order.merchant.branchOffice,
    },
    order: {
      id: order.id,
      status: "CREATED",
      local_total_amount: jsonAmount(order.localAmount),
      local_currency: order.localCurrency,
      user_total_amount: jsonAmount(order.userAmount),
      user_currency: order.userCurrency,
    },
    version: API_VERSION,
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
