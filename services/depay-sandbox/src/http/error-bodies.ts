import { randomUUID } from "node:crypto";

// The provider's error bodies, as documented (NestJS-style for 400/401/409,
// the "receipt" shape from the Peru document for an unknown order).

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

export function unauthorized(): NestErrorBody {
  return { statusCode: 401, message: "Unauthorized" };
}

export function conflict(): NestErrorBody {
  return { statusCode: 409, message: "Conflict error" };
}

export function routeNotFound(method: string, path: string): NestErrorBody {
  return { statusCode: 404, message: `Cannot ${method} ${path}`, error: "Not Found" };
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
