import type { z } from "zod";
import type { InitiatePayment, Money, PaymentMethod, Payer } from "@riel/schemas";
import type { FieldError, Parsed } from "./errors.js";
import { fieldErrors } from "./errors.js";

export type MethodDetails = NonNullable<InitiatePayment["details"]>;
export type MethodName = Exclude<PaymentMethod, "UNSUPPORTED">;

/** A payment request that passed its method's rules: what an InitiatePayment carries. */
export interface PaymentRequest {
  readonly method: MethodName;
  /** null for an open amount, set later with SetPaymentAmount. */
  readonly amount: Money | null;
  /** The payee's currency: the amount's, or the one an open amount will be in. */
  readonly currency: string;
  readonly payer: Payer;
  readonly externalReference: string;
  readonly details: MethodDetails;
}

/** What a payment's view shows about its method: plain values only. */
export type MethodView = Readonly<Record<string, string | boolean | null | readonly string[]>>;

/**
 * One payment method: its request shape, its rails rules, what its command carries, what its
 * view shows, and which provider serves it. The ingress, the connector's re-check of commands
 * published straight to Kafka and the read model all find a method here, never in a switch.
 */
export interface MethodModule {
  readonly method: MethodName;
  readonly provider: string;
  /** One line for documentation and the API reference. */
  readonly summary: string;
  /** The request body's shape (with `method` as its literal discriminator), for the API reference. */
  readonly schema: z.ZodType;
  /** Shape first, then the rails' rules. */
  parse(body: unknown): Parsed<PaymentRequest>;
  /** A command as the request body it stands for, so that a command from Kafka meets the same rules; null when its details are not this method's. */
  bodyOf(command: InitiatePayment): Record<string, unknown> | null;
  /** An amount sent later (open amounts) checked against the details, or why this payment takes none. */
  laterAmount(details: MethodDetails, amount: Money): Parsed<Money>;
  view(details: MethodDetails): MethodView;
  /**
   * The details as the projection keeps them: what later checks read (key type, a QR code's
   * currency and amount mode), with personal data (payee keys, a customer's document, e-mail and
   * phone) masked. Every method says what it keeps: the full command lives only as long as a
   * re-preview may need it (StoredPayment.initiate).
   */
  atRest(details: MethodDetails): MethodDetails;
  /** The payee's currency, which an open amount will be in. */
  currencyOf(details: MethodDetails): string;
  /** Whether ACCEPT must name one of the payee wallets the preview offered (Peru phone keys). */
  needsWallet(details: MethodDetails): boolean;
  /** Whether its provider refunds these payments (pay-ins: no). */
  readonly refundable: boolean;
}

/**
 * Builds a method module from a zod schema and the rules that run on what it accepted, so the
 * rules get a typed body.
 */
export function defineMethod<S extends z.ZodType>(definition: {
  readonly method: MethodName;
  readonly provider: string;
  readonly summary: string;
  readonly schema: S;
  readonly check: (body: z.infer<S>) => Parsed<PaymentRequest>;
  readonly bodyOf: MethodModule["bodyOf"];
  readonly laterAmount: MethodModule["laterAmount"];
  readonly view: MethodModule["view"];
  readonly atRest: MethodModule["atRest"];
  readonly currencyOf: MethodModule["currencyOf"];
  readonly needsWallet?: MethodModule["needsWallet"];
  readonly refundable?: boolean;
}): MethodModule {
  return {
    method: definition.method,
    provider: definition.provider,
    summary: definition.summary,
    schema: definition.schema,
    parse(body) {
      const shape = definition.schema.safeParse(body);
      if (!shape.success) return { ok: false, errors: fieldErrors(shape.error.issues) };
      return definition.check(shape.data);
    },
    bodyOf: definition.bodyOf,
    laterAmount: definition.laterAmount,
    view: definition.view,
    atRest: definition.atRest,
    currencyOf: definition.currencyOf,
    needsWallet: definition.needsWallet ?? (() => false),
    refundable: definition.refundable ?? true,
  };
}

export const noLaterAmount = (why: string): Parsed<Money> => ({ ok: false, errors: [{ field: "amount", rule: why } satisfies FieldError] });
