import { randomUUID } from "node:crypto";

// The provider's error bodies, as documented (NestJS-style for 400/401/409,
// the "receipt" shape from the Peru document for an unknown order), and the
// sandbox's choices in the same style where the documents show none.

export interface NestErrorBody {
  readonly statusCode: number;
  readonly message: string | readonly string[];
  readonly error?: string;
}

export const DICT_KEY_FORMAT_MESSAGE = "invalid format. must be one of: CPF, CNPJ, Email, Phone Number, UUID";

export function badRequest(messages: readonly string[]): NestErrorBody {
  return { statusCode: 400, message: messages };
}

export function invalidDictKey(): NestErrorBody {
  return { statusCode: 400, message: ["INVALID_DICT_KEY"] };
}

/** Sandbox's choice, after the dict_key one: a `qr` it cannot read as an EMVCo merchant-presented code. */
export const QR_FORMAT_MESSAGE = "invalid format. must be an EMVCo merchant-presented QR code";

/** Sandbox's choice, after INVALID_DICT_KEY: a readable code that cannot be paid (currency not quoted, Pix key unknown, amount too precise). */
export function invalidQr(): NestErrorBody {
  return { statusCode: 400, message: ["INVALID_QR"] };
}

export function unauthorized(): NestErrorBody {
  return { statusCode: 401, message: "Unauthorized" };
}

export function conflict(): NestErrorBody {
  return { statusCode: 409, message: "Conflict error" };
}

/** Sandbox's choice, in the documented 409 shape: the order's preview expired (its error_code says the same). */
export function orderExpired(): NestErrorBody {
  return { statusCode: 409, message: "Order expired" };
}

/** Sandbox's choice: PUT /v2/payments/previews on an order that is not waiting for the payer's amount. */
export function notWaitingAmount(): NestErrorBody {
  return { statusCode: 409, message: "Order is not WAITING_AMOUNT" };
}

export function routeNotFound(method: string, path: string): NestErrorBody {
  return { statusCode: 404, message: `Cannot ${method} ${path}`, error: "Not Found" };
}

/** Sandbox's choice, in the same style: an injected 5xx fault (the provider is "down" for this request; nothing happened). */
export function serviceUnavailable(): NestErrorBody {
  return { statusCode: 503, message: "Service Unavailable" };
}

export function internalError(): NestErrorBody {
  return { statusCode: 500, message: "Internal server error" };
}

export interface ReceiptNotFoundBody {
  readonly eventId: "2105";
  readonly details: string;
  readonly correlationId: string;
  readonly errors: readonly { readonly code: "2105"; readonly title: string; readonly detail: string }[];
}

export function receiptNotFound(orderId: string, correlationId: string = randomUUID()): ReceiptNotFoundBody {
  return {
    eventId: "2105",
    details: "The receipt does not exist",
    correlationId,
    errors: [{ code: "2105", title: "Receipt not found.", detail: `No receipt found for the id: ${orderId}` }],
  };
}
