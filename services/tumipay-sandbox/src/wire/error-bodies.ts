import type { FieldError } from "../http/payin-request.js";

// TumiPay's error bodies. Documented: `code: "00"` and `status: "ERROR"` for
// every error, `error` naming QR_AMOUNT_LIMIT_EXCEEDED and
// TRANSACTION_IN_PROGRESS, and HTTP 200 with code "00" when the QR could not
// be generated. The rest (messages, the `errors` list of a 400, the 401 and
// 404 texts, DUPLICATE_REFERENCE) are the sandbox's choices in that shape.

export interface TumipayErrorBody {
  readonly code: "00";
  readonly status: "ERROR";
  readonly error?: string;
  readonly message: string;
  readonly errors?: readonly FieldError[];
}

const error = (message: string, extra: { error?: string; errors?: readonly FieldError[] } = {}): TumipayErrorBody => ({
  code: "00",
  status: "ERROR",
  ...(extra.error === undefined ? {} : { error: extra.error }),
  message,
  ...(extra.errors === undefined ? {} : { errors: extra.errors }),
});

export const QR_AMOUNT_LIMIT_EXCEEDED = "QR_AMOUNT_LIMIT_EXCEEDED";
export const TRANSACTION_IN_PROGRESS = "TRANSACTION_IN_PROGRESS";
export const DUPLICATE_REFERENCE = "DUPLICATE_REFERENCE";
export const QR_GENERATION_FAILED_MESSAGE = "Error al generar el QR";

export const unauthorized = (): TumipayErrorBody => error("Unauthorized");

/** 400; `message` is the first broken rule as "<field>: <rule>", `errors` lists them all. */
export function validationFailed(errors: readonly FieldError[]): TumipayErrorBody {
  const first = errors[0] ?? { field: "body", message: "is invalid" };
  return error(`${first.field}: ${first.message}`, { errors });
}

/** 422, before anything is created. */
export const qrAmountLimitExceeded = (limit: string): TumipayErrorBody =>
  error(`El monto supera el límite máximo permitido para QR en Perú (S/ ${limit})`, { error: QR_AMOUNT_LIMIT_EXCEEDED });

/** 400: an active transaction for the same email and amount under another reference. */
export const transactionInProgress = (): TumipayErrorBody =>
  error("Ya existe una transacción activa para ese email/monto", { error: TRANSACTION_IN_PROGRESS });

/** 400: the reference was used before with other data. */
export const duplicateReference = (): TumipayErrorBody => error("La referencia ya fue usada con datos diferentes", { error: DUPLICATE_REFERENCE });

/** Answered with HTTP 200: the provider could not generate the QR (the client should retry). */
export const qrGenerationFailed = (): TumipayErrorBody => error(QR_GENERATION_FAILED_MESSAGE);

export const transactionNotFound = (): TumipayErrorBody => error("Transaction not found");
export const routeNotFound = (): TumipayErrorBody => error("Not found");
export const internalError = (): TumipayErrorBody => error("Internal server error");
/** HTTP 503, the sandbox's choice in the same shape: an injected 5xx fault (nothing happened). */
export const serviceUnavailable = (): TumipayErrorBody => error("Service unavailable");
