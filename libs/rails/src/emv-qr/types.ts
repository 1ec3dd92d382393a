import type { CurrencyCode } from "../currency/index.js";
import type { Money } from "../money/index.js";
import type { TlvRule } from "../tlv/index.js";

/**
 * The rules a merchant QR is judged by. The same names serve refusals
 * (decodeQr's error list) and warnings (MerchantQr.warnings, a rule bent in a
 * way that is still safe to pay).
 */
export type QrRule =
  | TlvRule
  | "EMPTY"
  | "CHARSET"
  | "CRC_MISSING"
  | "CRC_FORMAT"
  | "CRC_MISMATCH"
  /** Warning: the CRC verifies over the characters' low bytes (ISO-8859-1), not over UTF-8. */
  | "CRC_ENCODING"
  /** Lengths counted in UTF-8 bytes (warning), or readable both ways with different results (refusal). */
  | "LENGTH_UNITS"
  /** Pix codes over 512 characters (refusal); any code over EMVCo's 512 (warning). */
  | "PAYLOAD_TOO_LONG"
  /** Warning: a field EMVCo defines as a template holds something else; kept raw. */
  | "OPAQUE_TEMPLATE"
  | "DUPLICATE_TAG"
  | "FIELD_ORDER"
  | "MISSING_FIELD"
  | "TAG_NOT_ALLOWED"
  | "VALUE_TOO_LONG"
  | "PAYLOAD_FORMAT"
  | "INITIATION_METHOD"
  | "MERCHANT_ACCOUNT"
  | "PIX_ACCOUNT"
  /** Pix Automático: the recurrence template (80-99 with Pix's GUI). */
  | "PIX_RECURRENCE"
  | "MCC"
  | "CURRENCY"
  | "AMOUNT"
  | "COUNTRY"
  | "MERCHANT_NAME"
  | "MERCHANT_CITY"
  | "POSTAL_CODE"
  | "ADDITIONAL_DATA";

export interface QrIssue {
  readonly rule: QrRule;
  /** Character offset in the payload as given; null when the problem is an absence or lies in encoder input. */
  readonly offset: number | null;
  /** Tag path ("54", "26.01"); null when no tag can be named. */
  readonly tag: string | null;
  readonly message: string;
}

export interface QrField {
  readonly tag: string;
  readonly value: string;
}

export type MerchantAccountInput =
  /** Tags 02-25: card-network account numbers (Visa, Mastercard...), a single opaque value. */
  | { readonly kind: "NETWORK"; readonly tag: string; readonly value: string }
  /** Tags 26-51: a template whose sub-field 00 is the scheme's GUID (e.g. "br.gov.bcb.pix"). */
  | { readonly kind: "TEMPLATE"; readonly tag: string; readonly fields: readonly QrField[] }
  /**
   * Tags 26-51 holding a bare value instead of a template (some Peruvian
   * issuers put a token in tag 39). The decoder accepts it with a warning;
   * the encoder never writes one.
   */
  | { readonly kind: "OPAQUE"; readonly tag: string; readonly value: string };

export interface PixAccount {
  /** Sub-field 01: the DICT key of a static code. */
  readonly key: string | null;
  /** Sub-field 25: the payload location of a dynamic code (no scheme). */
  readonly url: string | null;
  /** Sub-field 02: free text shown to the payer. */
  readonly info: string | null;
}

/** Pix Automático (BCB's "QR Code composto"): the recurrence offer of a code. */
export interface PixRecurrence {
  /** The unreserved template (80-99) that holds it. */
  readonly tag: string;
  /** Sub-field 25: location of the recurrence parameters (no scheme). */
  readonly url: string;
  /**
   * false when the code only asks the payer to authorise the recurrence (its
   * Pix template holds the GUI alone, BCB's "Jornada 2"): nothing is paid now.
   */
  readonly withPayment: boolean;
}

export type MerchantAccount =
  | { readonly kind: "NETWORK"; readonly tag: string; readonly value: string }
  | {
      readonly kind: "TEMPLATE";
      readonly tag: string;
      readonly fields: readonly QrField[];
      readonly guid: string;
      readonly pix: PixAccount | null;
    }
  | { readonly kind: "OPAQUE"; readonly tag: string; readonly value: string };

export interface AdditionalData {
  readonly fields: readonly QrField[];
  readonly billNumber: string | null;
  readonly mobileNumber: string | null;
  readonly storeLabel: string | null;
  readonly loyaltyNumber: string | null;
  readonly referenceLabel: string | null;
  readonly customerLabel: string | null;
  readonly terminalLabel: string | null;
  readonly purpose: string | null;
  readonly consumerDataRequest: string | null;
}

/** What the encoder takes; the decoder returns a MerchantQr, which is this plus derived fields. */
export interface MerchantQrInput {
  /** Tag 01: "11" static (reusable), "12" dynamic (one payment); null when absent. */
  readonly initiation: "STATIC" | "DYNAMIC" | null;
  readonly merchantAccounts: readonly MerchantAccountInput[];
  readonly mcc: string;
  readonly currency: CurrencyCode;
  /** Tag 54; null is an open-amount code where the payer enters the amount. */
  readonly amount: Money | null;
  readonly country: string;
  readonly merchantName: string;
  readonly merchantCity: string;
  readonly postalCode: string | null;
  readonly additionalData: { readonly fields: readonly QrField[] } | null;
  /**
   * Tags 55-57 (tip/convenience fee), 64 (alternate language) and 65-99 (RFU,
   * unreserved templates), as raw values. The decoder also puts here a tag 62
   * whose content is not sub-fields (with a warning); the encoder refuses it.
   */
  readonly extraFields: readonly QrField[];
}

export interface MerchantQr extends MerchantQrInput {
  readonly merchantAccounts: readonly MerchantAccount[];
  readonly additionalData: AdditionalData | null;
  readonly amountMode: "OPEN" | "CLOSED";
  /** The Pix account template (26-51), if any. A code with two is refused. */
  readonly pix: PixAccount | null;
  /** The Pix Automático recurrence template (80-99), if any. */
  readonly pixRecurrence: PixRecurrence | null;
  /** The CRC as written (upper-cased when a generator wrote it in lower case). */
  readonly crc: string;
  /**
   * Rules this code bends in ways that are still safe to pay, ordered by
   * offset: show them to an operator, log them, never drop the payment for them.
   * Empty for a textbook code.
   */
  readonly warnings: readonly QrIssue[];
}

export const PIX_GUID = "br.gov.bcb.pix";
