import { z } from "zod";
import { detectKey } from "@riel/rails";
import type { FieldError } from "../errors.js";
import { checkAmount, commonFields, moneySchema, text } from "../common.js";
import type { MethodView } from "../method.js";
import { defineMethod, noLaterAmount } from "../method.js";

/** Brazil Pix: a pay-out to a DICT key (CPF, CNPJ, email, +55 phone or EVP), in BRL, through Depay. */
export const pixKey = defineMethod({
  method: "PIX_KEY",
  provider: "depay",
  summary: "Brazil Pix pay-out to a DICT key (CPF, CNPJ, email, +55 phone, EVP), in BRL",
  schema: z.strictObject({
    method: z.literal("PIX_KEY"),
    payeeKey: text(200),
    amount: moneySchema,
    ...commonFields,
  }),
  check(body) {
    const errors: FieldError[] = [];
    const detection = detectKey(body.payeeKey, "BR");
    let key: { value: string; type: string } | null = null;
    switch (detection.kind) {
      case "DETECTED":
        if (detection.key.type.startsWith("PIX_")) key = detection.key;
        else errors.push({ field: "payeeKey", rule: "must be a Pix DICT key (CPF, CNPJ, email, +55 phone or EVP)" });
        break;
      case "AMBIGUOUS":
        errors.push({ field: "payeeKey", rule: `AMBIGUOUS: ${detection.message}` });
        break;
      case "INVALID":
        errors.push({ field: "payeeKey", rule: `${detection.error.rule}: ${detection.error.message}` });
        break;
      default: {
        const never: never = detection;
        return never;
      }
    }
    if (body.amount.currency !== "BRL") errors.push({ field: "amount.currency", rule: "must be BRL: Pix pays in Brazilian reais" });
    const amount = checkAmount("amount", { amount: body.amount.amount, currency: "BRL" }, "BRL");
    if (!amount.ok) errors.push(...amount.errors.filter((e) => e.field !== "amount.currency"));
    if (errors.length > 0 || !key || !amount.ok) return { ok: false, errors };
    return {
      ok: true,
      value: {
        method: "PIX_KEY",
        amount: amount.value,
        currency: "BRL",
        payer: body.payer,
        externalReference: body.externalReference,
        details: { "riel.PixKeyDetails": { payeeKey: key.value, keyType: key.type } },
      },
    };
  },
  bodyOf(command) {
    const details = command.details;
    // Records written before `details` existed carry the key at the top level.
    const payeeKey = details === null ? command.payeeKey : "riel.PixKeyDetails" in details ? details["riel.PixKeyDetails"].payeeKey : null;
    if (payeeKey === null) return null;
    return { method: "PIX_KEY", payeeKey, amount: command.amount, payer: command.payer, externalReference: command.externalReference };
  },
  laterAmount: () => noLaterAmount("must be absent: a Pix key payment's amount is fixed when it is created"),
  currencyOf: () => "BRL",
  view(details): MethodView {
    return "riel.PixKeyDetails" in details ? { keyType: details["riel.PixKeyDetails"].keyType } : {};
  },
});
