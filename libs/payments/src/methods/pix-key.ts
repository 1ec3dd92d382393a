import { defineKeyPayout } from "./key-payout.js";

/** Brazil Pix: a pay-out to a DICT key (CPF, CNPJ, email, +55 phone or EVP), in BRL, through Depay. */
export const pixKey = defineKeyPayout({
  method: "PIX_KEY",
  summary: "Brazil Pix pay-out to a DICT key (CPF, CNPJ, email, +55 phone, EVP), in BRL",
  country: "BR",
  currency: "BRL",
  branch: "riel.PixKeyDetails",
  accepts: (type) => type.startsWith("PIX_"),
  keyRule: "must be a Pix DICT key (CPF, CNPJ, email, +55 phone or EVP)",
  currencyRule: "must be BRL: Pix pays in Brazilian reais",
  // Records written before `details` existed carry the key at the top level.
  legacyKey: (command) => command.payeeKey,
});
