import { z } from "zod";
import { PAYMENT_ACTIONS, PAYMENT_STATUSES } from "@riel/rails";
import { StatusSourceSymbols } from "@riel/schemas";
import type { MethodName } from "./method.js";
import type { PaymentView } from "./view.js";
import { REFUND_STATUSES } from "./view.js";

// What the API reference shows of the payments API beyond the request schemas of the methods:
// the view's shape and a request per method. Documentation only: no request is checked with these.

const nullableText = (description: string) => z.string().nullable().describe(description);

const moneySchema = z.object({
  amount: z.string().describe('Canonical decimal string with the currency\'s minor units, e.g. "10.50"; never a number'),
  currency: z.string().describe("ISO 4217 alphabetic code"),
});

const refundViewSchema = z.object({
  refundId: z.string().nullable().describe("null for a refund the provider reported that Riel never asked for"),
  amount: moneySchema,
  status: z.enum(REFUND_STATUSES),
  reason: nullableText("Why the provider refused it, in its words (what looks like a tax id, account or phone number, key or e-mail is masked without the scope payments:read:personal)"),
  requestedAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

const historyEntrySchema = z.object({
  status: z.string(),
  source: z.enum(StatusSourceSymbols).describe("What told Riel: the provider's answer, its callback, a status query, or Riel's own command"),
  at: z.string().describe("ISO 8601"),
  eventId: z.string().describe("The event that made the change; a repeat carries the same id"),
  reason: nullableText("Why, in the provider's or Riel's words (what looks like a tax id, account or phone number, key or e-mail is masked without the scope payments:read:personal)"),
});

const walletSchema = z.object({
  id: z.string().describe("UUID: what ACCEPT names as walletId"),
  brand: z.string(),
  mobile: z.string().describe("The wallet's phone number: masked to its last 3 digits without the scope payments:read:personal"),
  present: z.boolean(),
  directory: z.string(),
  participantCode: z.string(),
});

/** `GET /v1/payments/{id}`: a payment as Riel shows it. Checked against `PaymentView` below, so the two cannot drift. */
export const paymentViewSchema = z.object({
  paymentId: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  final: z.boolean().describe("Whether the payment can change no more (COMPLETED is not final: refunds may follow)"),
  method: z.string(),
  details: z
    .record(z.string(), z.union([z.string(), z.boolean(), z.null(), z.array(z.string()).readonly()]))
    .readonly()
    .describe("What the method adds: a key's type; a QR code's country, currency, merchant and amount mode; a pay-in's channel"),
  externalReference: z.string(),
  amount: moneySchema.nullable().describe("null while an open-amount payment waits for its amount"),
  currency: z.string().describe("The payee's currency: the amount's, or the one an open amount will be in"),
  provider: z.string(),
  providerOrderId: nullableText("The provider's order id, once its preview arrived"),
  collector: z.object({ name: z.string(), identificationNumber: z.string().describe("Their tax id: masked to its last 4 characters without the scope payments:read:personal"), branchOffice: z.string().nullable() }).nullable().describe("Who collects, as the provider's preview names them"),
  localAmount: moneySchema.nullable().describe("What the payee receives, in the payee's currency"),
  userAmount: moneySchema.nullable().describe("What the payer is charged, in the payer's currency"),
  refundedAmount: moneySchema.nullable(),
  refunds: z.array(refundViewSchema).readonly().describe("Every refund asked for, in the order asked, with where each stands"),
  wallets: z.array(walletSchema).readonly().nullable().describe("Payee wallets the preview offered (Peru phone keys): ACCEPT names one as walletId"),
  payerInstructions: z
    .object({
      paymentUrl: nullableText("The provider's hosted payment page"),
      qrPngBase64: nullableText("The QR image (PNG, base64) of the direct QR flow; also at GET /v1/payments/{id}/qr.png"),
      ticket: nullableText("The provider's transaction id, which the payer may be asked for"),
      expiresAt: nullableText("ISO 8601: when the payer's time runs out"),
    })
    .nullable()
    .describe("Pay-ins: what the payer needs"),
  reason: nullableText("Why the payment ended as it did, in the provider's or Riel's words (what looks like a tax id, account or phone number, key or e-mail is masked without the scope payments:read:personal)"),
  attention: z
    .object({
      status: z.string().describe("The status the payment is stuck in"),
      since: z.string().describe("ISO 8601: when it entered that status"),
      raisedAt: z.string().describe("ISO 8601: when reconciliation gave up"),
      checks: z.number().int().describe("How many times the provider was asked"),
      reason: z.string().describe("What reconciliation saw (what looks like a tax id, account or phone number, key or e-mail is masked without the scope payments:read:personal)"),
    })
    .nullable()
    .describe("Set when reconciliation asked the provider until its limit and the payment did not move (a PaymentNeedsAttention event was published); cleared when the status changes. POST /sync asks the provider again."),
  actions: z.array(z.enum(PAYMENT_ACTIONS)).readonly().describe("What the status takes now: ACCEPT and REJECT (confirm), SET_AMOUNT (amount), REFUND (refunds)"),
  nextStep: z.string().describe("What happens next, in words"),
  history: z.array(historyEntrySchema).readonly(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

// The schema describes exactly the view: every field, no other, each readable as the view's type and back.
type Described = z.infer<typeof paymentViewSchema>;
const _describedIsView = (view: Described): PaymentView => view;
const _viewIsDescribed = (view: PaymentView): Described => view;
const _noOtherField: [Exclude<keyof Described, keyof PaymentView>] extends [never] ? true : false = true;

export interface RequestExample {
  readonly summary: string;
  readonly value: Readonly<Record<string, unknown>>;
}

const payer = { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" };

/**
 * One or more requests per method, as the API reference shows them (the sandboxes' test data:
 * each completes there). A test parses every one with its method's rules.
 */
export const PAYMENT_REQUEST_EXAMPLES: Readonly<Record<MethodName, Readonly<Record<string, RequestExample>>>> = {
  PIX_KEY: {
    pixCpf: {
      summary: "Pix to a CPF key",
      value: { method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.50", currency: "BRL" }, payer, externalReference: "order-1" },
    },
  },
  EMV_QR: {
    qrClosed: {
      summary: "QR code with its amount (BR Pix, BRL 10.50)",
      value: {
        method: "EMV_QR",
        qr: "00020101021126580014br.gov.bcb.pix01368f27d7dc-aa2a-42a8-9f4c-7998dfef5202520458125303986540510.505802BR5916RIEL RESTAURANTE6009SAO PAULO62120508RIEL000163048263",
        payer,
        externalReference: "qr-1",
      },
    },
    qrOpen: {
      summary: "QR code without an amount (PE, PEN): WAITING_AMOUNT until POST /v1/payments/{id}/amount",
      value: {
        method: "EMV_QR",
        qr: "00020101021126370018pe.example.interop0111201234567895204581453036045802PE5911BODEGA RIEL6004LIMA610515001630460C3",
        payer: { fullName: "Ana Quispe", currency: "PEN", accountNumber: "0009795493", taxId: "12345678", taxIdType: "DNI" },
        externalReference: "qr-2",
      },
    },
  },
  PERU_KEY: {
    peruCci: {
      summary: "Peru CCI",
      value: {
        method: "PERU_KEY",
        payeeKey: "00219300123456789013",
        amount: { amount: "25.00", currency: "PEN" },
        payer: { fullName: "Ana Quispe", currency: "PEN", accountNumber: "0009795493", taxId: "12345678", taxIdType: "DNI" },
        externalReference: "pe-1",
      },
    },
    peruPhone: {
      summary: "Peru +51 phone key: ACCEPT names one of the view's wallets",
      value: {
        method: "PERU_KEY",
        payeeKey: "+51987654321",
        amount: { amount: "25.00", currency: "PEN" },
        payer: { fullName: "Ana Quispe", currency: "PEN", accountNumber: "0009795493", taxId: "12345678", taxIdType: "DNI" },
        externalReference: "pe-2",
      },
    },
  },
  BREB_KEY: {
    brebKey: {
      summary: 'Colombia Bre-B "@" key',
      value: {
        method: "BREB_KEY",
        payeeKey: "@CBAQ1EXD8",
        amount: { amount: "50000.00", currency: "COP" },
        payer: { fullName: "Ana Quispe", currency: "COP", accountNumber: "0009795493", taxId: "39053344705" },
        externalReference: "co-1",
      },
    },
  },
  PERU_PAYIN: {
    payinAll: {
      summary: "Peru pay-in, the payer chooses how on TumiPay's page",
      value: {
        method: "PERU_PAYIN",
        channel: "ALL_METHODS",
        amount: { amount: "150.00", currency: "PEN" },
        customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "rosa@example.com", fullName: "Rosa Huaman" },
        description: "Pedido 1024",
        redirectUrl: "https://shop.example.com/paid",
        externalReference: "pi-1",
      },
    },
    payinQr: {
      summary: "Peru pay-in by QR image (at most S/ 500.00): GET /v1/payments/{id}/qr.png",
      value: {
        method: "PERU_PAYIN",
        channel: "QR",
        amount: { amount: "150.00", currency: "PEN" },
        customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "rosa@example.com", fullName: "Rosa Huaman" },
        redirectUrl: "https://shop.example.com/paid",
        expirationMinutes: 30,
        externalReference: "pi-2",
      },
    },
  },
};

/** A Pix payment once paid, as `GET /v1/payments/{id}` shows it (taken from a run against the sandbox). */
export const PAYMENT_VIEW_EXAMPLE: PaymentView = {
  paymentId: "6b02bd96-9a07-5a04-95bb-6222a52fe767",
  status: "COMPLETED",
  final: false,
  method: "PIX_KEY",
  details: { keyType: "PIX_CPF" },
  externalReference: "order-1",
  amount: { amount: "10.50", currency: "BRL" },
  currency: "BRL",
  provider: "depay",
  providerOrderId: "1610b5fb-4326-42ea-9017-c887b08505d3",
  collector: { name: "SANDBOX RECIPIENT A90A", identificationNumber: "*******4705", branchOffice: "" },
  localAmount: { amount: "10.50", currency: "BRL" },
  userAmount: { amount: "10.50", currency: "BRL" },
  refundedAmount: null,
  refunds: [],
  wallets: null,
  payerInstructions: null,
  attention: null,
  reason: null,
  actions: ["REFUND"],
  nextStep: "nothing: paid (refunds may follow)",
  history: [
    { status: "RECEIVED", source: "COMMAND", at: "2026-11-22T05:16:19.562Z", eventId: "6ee59198-668a-5a2a-8609-b00855a85d87", reason: null },
    { status: "CREATED", source: "PROVIDER_CALLBACK", at: "2026-11-22T05:16:19.664Z", eventId: "c6f19161-bc4d-5c8f-8b41-2034e50d47d0", reason: null },
    { status: "PROCESSING", source: "PROVIDER_RESPONSE", at: "2026-11-22T05:16:19.741Z", eventId: "11a6d961-ee36-5743-9dda-98903b55f547", reason: null },
    { status: "COMPLETED", source: "PROVIDER_CALLBACK", at: "2026-11-22T05:16:19.749Z", eventId: "5c5fc1a9-bb46-5a88-86eb-9099097a6a74", reason: null },
  ],
  createdAt: "2026-11-22T05:16:19.562Z",
  updatedAt: "2026-11-22T05:16:19.749Z",
};
