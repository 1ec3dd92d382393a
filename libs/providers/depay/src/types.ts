import { z } from "zod";

// Wire shapes of Depay's documents. Bodies are parsed with numbers kept as text, so amount
// fields are strings here; `decimal` accepts the shapes Depay sends ("7.0000", 22, 0.2).
const decimal = z.string().regex(/^\d+(?:\.\d+)?$/, "must be a non-negative decimal number");
const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 alphabetic code");

export const collectorSchema = z.object({
  name: z.string(),
  identification_number: z.string(),
  branch_office: z.string().nullish(),
});

/** Preview callback of a DICT key or closed-amount QR: the order is nested. */
export const previewCallbackSchema = z.object({
  payment_type: z.string(),
  external_reference: z.string().max(100),
  collector: collectorSchema,
  order: z.object({
    id: z.string().min(1),
    status: z.string().min(1),
    local_total_amount: decimal.nullable(),
    local_currency: currency,
    user_total_amount: decimal.nullable(),
    user_currency: currency,
  }),
  qr_type: z.string().optional(),
  version: z.string().optional(),
  /** Peru phone keys: the payee's wallets; the pay call names one as wallet_id. */
  wallets: z
    .array(
      z.object({
        id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID"),
        brand: z.string(),
        mobile: z.string(),
        present: z.boolean(),
        directory: z.string(),
        participant_code: z.string(),
      }),
    )
    .optional(),
});

/** Preview callback of an open-amount QR: a flat shape of its own (README gap 6). */
export const openAmountCallbackSchema = z.object({
  order_id: z.string().min(1),
  order_status: z.string().min(1),
  local_currency: currency,
  status: z.string(),
  external_reference: z.string().max(100),
  collector: collectorSchema.optional(),
});

/** Payment and refund status callbacks; `merchart_name` is the documents' misspelling (README gap 7). */
export const statusCallbackSchema = z.object({
  order_id: z.string().min(1),
  external_reference: z.string().max(100),
  external_reference_id: z.string().optional(),
  status: z.string().min(1),
  date: z.string().optional(),
  payment_date: z.string().nullish(),
  merchant_identification_number: z.string().optional(),
  merchant_name: z.string().optional(),
  merchart_name: z.string().optional(),
  error_code: z.string().nullish(),
  amount: decimal.optional(),
  currency: currency.optional(),
});

export type PreviewCallback = z.infer<typeof previewCallbackSchema>;
export type OpenAmountCallback = z.infer<typeof openAmountCallbackSchema>;
export type StatusCallback = z.infer<typeof statusCallbackSchema>;

export const errorBodySchema = z.object({
  statusCode: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
});

export const previewResponseSchema = z.object({
  status: z.string(),
  external_reference: z.string().optional(),
  message: z.string().optional(),
  local_currency: z.string().optional(),
});

/** ISO 8601 with Z ("2025-03-21T14:15:06.657Z") or "2025-03-21 20:01:30.948423" (README gap 8). */
const depayDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z|\s\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/, "must be an ISO 8601 date with Z, or YYYY-MM-DD HH:MM:SS.ffffff");

/** GET /v2/payments/{order_id}/status; amounts come back as strings with four decimals (README gap 8). */
export const statusResponseSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  creation_date: depayDate.optional(),
  update_date: depayDate.optional(),
  statuses: z.array(z.object({ status: z.string().min(1), created_at: depayDate })).optional(),
  local_amount: decimal.nullish(),
  local_currency: currency.nullish(),
  user_amount: decimal.nullish(),
  user_currency: currency.nullish(),
  external_reference: z.string().optional(),
});

/** Riel's chosen refund answer (README gap 1). */
export const refundResponseSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
});

export const payResponseSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
});

export const validationResponseSchema = z.object({
  name: z.string(),
  accountNumber: z.string().nullish(),
  identificationNumber: z.string().nullish(),
  bank: z.string().nullish(),
});
