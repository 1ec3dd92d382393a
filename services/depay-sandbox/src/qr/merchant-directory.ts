import { createHash } from "node:crypto";
import { lookupDictKey } from "../dict-key/dict-directory.js";
import { classifyDictKey } from "../dict-key/dict-key-format.js";
import type { CallbacksAfterPay, Merchant, PaymentOutcome } from "../orders/order-store.js";
import type { MerchantAccount, MerchantQr } from "./merchant-qr.js";

// The sandbox's stand-in for the QR owners' Resolve APIs: who the merchant
// behind a code is, how a payment to it ends, and whether it types the amount
// at its point of sale (Argentina's PROCESS_LATER). A Pix account is looked
// up in the simulated DICT, so the Pix test keys behave the same in a QR.

const PIX_GUID = "br.gov.bcb.pix";

interface DirectoryEntry {
  readonly identificationNumber: string;
  readonly entersAmountAtPos: boolean;
}

/**
 * Merchants known by account id (sub-field 01 of their account template).
 * The CVU is the one in Depay's document example (COELSA test data; its
 * check digits verify), the CUIT that example's tag 50.
 */
const DIRECTORY: ReadonlyMap<string, DirectoryEntry> = new Map([
  ["0000532607300067079179", { identificationNumber: "30707101020", entersAmountAtPos: true }],
]);

export type MerchantLookup =
  | {
      readonly kind: "found";
      readonly merchant: Merchant;
      readonly outcome: PaymentOutcome;
      /** "dropped" for a Pix account whose key drops callbacks after the pay request (PIX_TEST_KEYS.silent). */
      readonly callbacksAfterPay: CallbacksAfterPay;
      /** The merchant enters the amount at its POS; only meaningful for a static Argentine code without amount. */
      readonly entersAmountAtPos: boolean;
    }
  | { readonly kind: "unknown"; readonly reason: string };

export function lookupQrMerchant(qr: MerchantQr): MerchantLookup {
  const branchOffice = qr.additional.get("03") ?? "";
  const pix = qr.accounts.find((account) => account.guid?.toLowerCase() === PIX_GUID);
  if (pix !== undefined) {
    const key = pix.fields.get("01");
    if (key === undefined) {
      // A dynamic Pix code carries a URL (sub-field 25) instead of a key; its receiver gets a stand-in identity.
      return found(qr, standInId(pix.fields.get("25") ?? pix.value), branchOffice, { status: "COMPLETED" }, false);
    }
    // Key rules are not applied to a key inside a QR (the BCB manual's own example key is a v1 UUID); it is only looked up.
    const entry = lookupDictKey(key, classifyDictKey(key) ?? "EVP");
    if (entry.kind === "not_found") return { kind: "unknown", reason: "Pix key not registered at DICT" };
    return found(qr, entry.recipient.identificationNumber, branchOffice, entry.outcome, false, entry.callbacksAfterPay);
  }
  const accountId = accountIdOf(qr.accounts);
  const entry = DIRECTORY.get(accountId);
  return found(qr, entry?.identificationNumber ?? standInId(accountId), branchOffice, { status: "COMPLETED" }, entry?.entersAmountAtPos ?? false);
}

function found(
  qr: MerchantQr,
  identificationNumber: string,
  branchOffice: string,
  outcome: PaymentOutcome,
  entersAmountAtPos: boolean,
  callbacksAfterPay: CallbacksAfterPay = "sent",
): MerchantLookup {
  return { kind: "found", merchant: { name: qr.merchantName, identificationNumber, branchOffice }, outcome, callbacksAfterPay, entersAmountAtPos };
}

/** The first account's id: a template's sub-field 01, else its whole value. */
function accountIdOf(accounts: readonly MerchantAccount[]): string {
  const [first] = accounts;
  if (first === undefined) return "";
  return first.fields.get("01") ?? first.value;
}

/** A stable 11-digit stand-in for a tax id, so the same code always names the same merchant. */
function standInId(seed: string): string {
  const hex = createHash("sha256").update(`depay-sandbox:qr:${seed}`).digest("hex");
  return Array.from(hex.slice(0, 11), (ch) => String(parseInt(ch, 16) % 10)).join("");
}
