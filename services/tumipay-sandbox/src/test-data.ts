import type { Outcome } from "./transactions/transaction-store.js";

// The sandbox's test data: customer emails (customer_data.email, matched
// without regard to case) that pick a behaviour, as test cards do at real
// providers. Any other email creates a transaction that waits for the payer
// (the hosted payment page or the /__sandbox routes).

export const TUMIPAY_TEST_DATA = {
  emails: {
    /** After the callback delay: PENDING, then APPROVED (one IPN each). */
    paid: "paid@tumipay.test",
    /** PENDING, then REJECTED. */
    rejected: "rejected@tumipay.test",
    /** PENDING, then DECLINED. */
    declined: "declined@tumipay.test",
    /** EXPIRED after the callback delay, without waiting for expiration_time. */
    expired: "expired@tumipay.test",
    /** The create answer echoes `amount: 5000` whatever was sent (the document's example, gap 10); the transaction keeps the real amount. */
    amountQuirk: "amount-quirk@tumipay.test",
    /** payment_method QR: the first `qrFlakyFailures` creates of a reference answer HTTP 200 `code: "00"` "Error al generar el QR" and create nothing; the next succeeds. */
    qrFlaky: "qr-flaky@tumipay.test",
    /** payment_method QR: every create answers HTTP 200 `code: "00"` "Error al generar el QR". */
    qrBroken: "qr-broken@tumipay.test",
    /** The first create of a reference takes effect, but its answer is held for `slowAnswerMs` (a client times out); a retry with the same reference and body gets the stored answer at once. */
    slow: "slow@tumipay.test",
  },
  qrFlakyFailures: 2,
  /** payment_method QR above this (S/, inclusive limit) answers 422 QR_AMOUNT_LIMIT_EXCEEDED. */
  qrAmountLimit: "500.00",
  /** What amountQuirk echoes. */
  quirkEchoAmount: "5000",
  /** A customer that passes every rule (the document's example). */
  customer: {
    legal_doc: "12345678",
    legal_doc_type: "DNI",
    phone_code: "51",
    phone_number: "987654321",
    email: "johndoe@email.com",
    full_name: "John Doe",
  },
  /** Well-formed documents of each type (the RUC's check digit is valid). */
  legalDocs: { DNI: "12345678", RUC: "20131312955", CE: "001234567", PPN: "AB123456" },
} as const;

export type TestBehaviour =
  | { readonly kind: "outcome"; readonly outcome: Outcome }
  | { readonly kind: "expire" }
  | { readonly kind: "amount_quirk" }
  | { readonly kind: "qr_flaky" }
  | { readonly kind: "qr_broken" }
  | { readonly kind: "slow" }
  | { readonly kind: "none" };

export function testBehaviour(email: string): TestBehaviour {
  const { emails } = TUMIPAY_TEST_DATA;
  switch (email.toLowerCase()) {
    case emails.paid:
      return { kind: "outcome", outcome: "APPROVED" };
    case emails.rejected:
      return { kind: "outcome", outcome: "REJECTED" };
    case emails.declined:
      return { kind: "outcome", outcome: "DECLINED" };
    case emails.expired:
      return { kind: "expire" };
    case emails.amountQuirk:
      return { kind: "amount_quirk" };
    case emails.qrFlaky:
      return { kind: "qr_flaky" };
    case emails.qrBroken:
      return { kind: "qr_broken" };
    case emails.slow:
      return { kind: "slow" };
    default:
      return { kind: "none" };
  }
}
