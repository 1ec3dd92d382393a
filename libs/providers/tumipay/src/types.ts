import { z } from "zod";
import type { JsonDecimal } from "@riel/provider-port";

// Wire shapes of TumiPay's documents (tumipay-payin-peru.txt and the webhooks-and-lookup
// supplement). Bodies are parsed with numbers kept as text, so every JSON number is a string
// here: amounts (`1.50`), and the lookup's `legal_doc` and `phone_number`, which its example
// writes as numbers. Unknown fields are ignored: TumiPay may add some.

/** A JSON number as its exact text ("1.50", "5000"); the transformers decide what it means. */
const numberText = z.string({ error: "must be a number" }).min(1, "must be a number");

/** Legal document types on the wire (PPN is a passport). */
export const TUMIPAY_DOC_TYPES = ["DNI", "RUC", "CE", "PPN"] as const;
export type TumipayDocType = (typeof TUMIPAY_DOC_TYPES)[number];

/** payment_method of the pay-in request. */
export const TUMIPAY_PAYMENT_METHODS = ["BANK_TRANSFER", "QR", "PAGOEFECTIVO", "ALL_METHODS", "CARD"] as const;
export type TumipayPaymentMethod = (typeof TUMIPAY_PAYMENT_METHODS)[number];

/** POST /api/v1/payin, as Riel sends it. `amount` is a JsonDecimal so it goes out as an exact number literal. */
export interface PayinRequest {
  readonly reference: string;
  readonly amount: JsonDecimal;
  readonly currency: "PEN";
  readonly country: "PE";
  readonly payment_method: TumipayPaymentMethod;
  readonly description?: string;
  readonly customer_data: {
    readonly legal_doc: string;
    readonly legal_doc_type: TumipayDocType;
    readonly phone_code: string;
    readonly phone_number: string;
    readonly email: string;
    readonly full_name: string;
  };
  readonly expiration_time: number;
  readonly ipn_url: string;
  readonly redirect_url: string;
}

/** Every answer carries `code` ("01" success, "00" error) and `status` ("SUCCESS" or "ERROR"). */
export const envelopeSchema = z.object({
  code: z.string(),
  status: z.string().optional(),
  message: z.string().nullish(),
});

/** A pay-in answer with code "01". `qr_code_base_64` only in the direct QR flow. */
export const payinSuccessSchema = z.object({
  code: z.literal("01"),
  status: z.string().optional(),
  message: z.string().nullish(),
  data: z.object({
    ticket: z.string().min(1),
    date: z.string().nullish(),
    payment_url: z.string().nullish(),
    qr_code_base_64: z.string().nullish(),
    transaction: z
      .object({
        reference: z.string().nullish(),
        amount: numberText.nullish(),
        currency: z.string().nullish(),
        payment_method: z.string().nullish(),
      })
      .nullish(),
  }),
});
export type PayinSuccess = z.infer<typeof payinSuccessSchema>;

/** An error answer: `error` names QR_AMOUNT_LIMIT_EXCEEDED, TRANSACTION_IN_PROGRESS...; a 400 may list its broken rules. */
export const errorBodySchema = z.object({
  code: z.string().optional(),
  status: z.string().optional(),
  error: z.string().nullish(),
  message: z.string().nullish(),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string().optional() })).nullish(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** GET /api/v1/transaction/{ticket}. */
export const lookupSchema = z.object({
  code: z.literal("01"),
  status: z.string().optional(),
  data: z.object({
    ticket: z.string().min(1),
    reference: z.string().nullish(),
    amount: numberText.nullish(),
    currency: z.string().nullish(),
    status: z.string().min(1),
    response_message: z.string().nullish(),
    date: z.string().nullish(),
  }),
});
export type Lookup = z.infer<typeof lookupSchema>;

/** The IPN body: top-level `top_*` fields (the supplement). Personal data in it (top_user...) is not read. */
export const ipnSchema = z.object({
  top_status: z.string().min(1),
  top_ticket: z.string().min(1),
  top_reference: z.string().min(1),
  top_amount: numberText.nullish(),
  top_currency: z.string().nullish(),
  top_payment_method: z.string().nullish(),
  top_bank_name: z.string().nullish(),
  top_response_message: z.string().nullish(),
});
export type Ipn = z.infer<typeof ipnSchema>;
