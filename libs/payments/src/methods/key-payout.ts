import { z } from "zod";
import type { CurrencyCode, KeyCountry, KeyType } from "@riel/rails";
import { detectKey, validateKey } from "@riel/rails";
import type { InitiatePayment, Payer } from "@riel/schemas";
import type { FieldError } from "../errors.js";
import { checkAmount, commonFields, moneySchema, text } from "../common.js";
import type { MethodDetails, MethodModule, MethodName, MethodView } from "../method.js";
import { defineMethod, noLaterAmount } from "../method.js";
import { maskPersonal } from "../mask.js";

/** The details branches that carry a payee key: `{payeeKey, keyType}` each. */
export type KeyBranch = "riel.PixKeyDetails" | "riel.PeruKeyDetails" | "riel.BrebKeyDetails";

type KeyDetails = { readonly payeeKey: string; readonly keyType: string };

function keyOf(details: MethodDetails, branch: KeyBranch): KeyDetails | null {
  return branch in details ? ((details as Record<string, KeyDetails>)[branch] ?? null) : null;
}

/**
 * A pay-out to a payee key of one country's directory, at a fixed amount in that country's
 * currency: Pix, Peru's CCI and phone keys, Colombia's Bre-B. The key is detected and validated
 * by the rails library, only the kinds `accepts` lets through are taken, and the amount must be
 * in `currency` with its minor units.
 */
export function defineKeyPayout(spec: {
  readonly method: MethodName;
  readonly summary: string;
  readonly country: KeyCountry;
  readonly currency: CurrencyCode;
  readonly branch: KeyBranch;
  readonly accepts: (type: KeyType) => boolean;
  /** What a key of another kind breaks, in words. */
  readonly keyRule: string;
  /** Why the amount must be in `currency`. */
  readonly currencyRule: string;
  /** Rules on the payer beyond the common ones (Peru: the tax id's type). */
  readonly checkPayer?: (payer: Payer) => { errors: FieldError[]; payer: Payer };
  /** The type to take a key as when the rails find it valid as several (Bre-B name and open_input are both 21 characters). */
  readonly ambiguous?: (candidates: readonly KeyType[]) => KeyType | null;
  /** Whether ACCEPT must name a payee wallet for a key of this type (Peru phone keys). */
  readonly needsWallet?: (keyType: string) => boolean;
  /** Records written before `details` existed (Pix only). */
  readonly legacyKey?: (command: InitiatePayment) => string | null;
}): MethodModule {
  return defineMethod({
    method: spec.method,
    provider: "depay",
    summary: spec.summary,
    schema: z.strictObject({
      method: z.literal(spec.method),
      payeeKey: text(200),
      amount: moneySchema,
      ...commonFields,
    }),
    check(body) {
      const errors: FieldError[] = [];
      const detection = detectKey(body.payeeKey, spec.country);
      let key: { value: string; type: KeyType } | null = null;
      switch (detection.kind) {
        case "DETECTED":
          if (spec.accepts(detection.key.type)) key = detection.key;
          else errors.push({ field: "payeeKey", rule: spec.keyRule });
          break;
        case "AMBIGUOUS": {
          const type = spec.ambiguous?.(detection.candidates) ?? null;
          const resolved = type === null ? null : validateKey(type, body.payeeKey);
          if (resolved?.ok) key = resolved.value;
          else errors.push({ field: "payeeKey", rule: `AMBIGUOUS: ${detection.message}` });
          break;
        }
        case "INVALID":
          errors.push({ field: "payeeKey", rule: `${detection.error.rule}: ${detection.error.message}` });
          break;
        default: {
          const never: never = detection;
          return never;
        }
      }
      if (body.amount.currency !== spec.currency) errors.push({ field: "amount.currency", rule: spec.currencyRule });
      const amount = checkAmount("amount", { amount: body.amount.amount, currency: spec.currency }, spec.currency);
      if (!amount.ok) errors.push(...amount.errors.filter((e) => e.field !== "amount.currency"));
      const payer = spec.checkPayer ? spec.checkPayer(body.payer) : { errors: [], payer: body.payer };
      errors.push(...payer.errors);
      if (errors.length > 0 || !key || !amount.ok) return { ok: false, errors };
      return {
        ok: true,
        value: {
          method: spec.method,
          amount: amount.value,
          currency: spec.currency,
          payer: payer.payer,
          externalReference: body.externalReference,
          details: { [spec.branch]: { payeeKey: key.value, keyType: key.type } } as MethodDetails,
        },
      };
    },
    bodyOf(command) {
      const details = command.details;
      const payeeKey = details === null ? (spec.legacyKey?.(command) ?? null) : (keyOf(details, spec.branch)?.payeeKey ?? null);
      if (payeeKey === null) return null;
      return { method: spec.method, payeeKey, amount: command.amount, payer: command.payer, externalReference: command.externalReference };
    },
    laterAmount: () => noLaterAmount(`must be absent: a ${spec.method} payment's amount is fixed when it is created`),
    currencyOf: () => spec.currency,
    needsWallet: (details) => {
      const key = keyOf(details, spec.branch);
      return key !== null && (spec.needsWallet?.(key.keyType) ?? false);
    },
    // The key names a person (a CPF, a phone, an e-mail): kept masked; later checks read its type only.
    atRest(details) {
      const key = keyOf(details, spec.branch);
      return key ? ({ [spec.branch]: { ...key, payeeKey: maskPersonal(key.payeeKey) } } as MethodDetails) : details;
    },
    view(details): MethodView {
      const key = keyOf(details, spec.branch);
      return key ? { keyType: key.keyType } : {};
    },
  });
}
