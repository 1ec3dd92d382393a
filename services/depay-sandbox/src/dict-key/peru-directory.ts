import type { Merchant, PaymentOutcome, Wallet } from "../orders/order-store.js";
import { REJECTED_ERROR_CODE } from "./dict-directory.js";
import type { PeruKeyType } from "./peru-key-format.js";
import { digitStream, keyTag, standInUuid } from "./stand-in-identity.js";

// The sandbox's stand-in for Peru's key directory: who owns a CCI or a phone
// number, how a payment to it ends, and, for a phone, the wallets its owner
// can be paid into. Any other well-formed key resolves to a deterministic
// owner and completes.

/** Peru keys with a fixed behaviour. Documented in the package README. */
export const PERU_TEST_KEYS = {
  /** CCI 002-193-001234567890-13 (BCP): the payment ends COMPLETED. */
  cci: "00219300123456789013",
  /** CCI 011-170-000200123456-82 (BBVA): the payment ends REJECTED. */
  cciRejected: "01117000020012345682",
  /** The payment ends COMPLETED; the preview offers two wallets (Yape, Plin). */
  phone: "+51987654321",
  /** Well-formed, but no one owns it: 400 INVALID_DICT_KEY. */
  phoneNotRegistered: "+51900000000",
  /** The completing CCI with its last check digit wrong: 400, the documented format message. */
  cciWrongCheckDigit: "00219300123456789014",
} as const;

export type PeruLookup =
  | { readonly kind: "found"; readonly merchant: Merchant; readonly outcome: PaymentOutcome; readonly wallets: readonly Wallet[] | null }
  | { readonly kind: "not_found" };

const OUTCOMES: ReadonlyMap<string, PaymentOutcome> = new Map<string, PaymentOutcome>([
  [PERU_TEST_KEYS.cciRejected, { status: "REJECTED", errorCode: REJECTED_ERROR_CODE }],
]);

const NOT_REGISTERED: ReadonlySet<string> = new Set([PERU_TEST_KEYS.phoneNotRegistered]);

/** The wallet brands offered for every phone key, in this order (illustrative: Depay documents no list). */
const WALLET_BRANDS = [
  { brand: "Yape", directory: "YAPE", participantCode: "0002", present: true },
  { brand: "Plin", directory: "PLIN", participantCode: "0003", present: false },
] as const;

export function lookupPeruKey(key: string, type: PeruKeyType): PeruLookup {
  if (NOT_REGISTERED.has(key)) return { kind: "not_found" };
  return {
    kind: "found",
    // A RUC-like 11-digit stand-in (companies' RUCs start with 20).
    merchant: { name: `SANDBOX RECIPIENT ${keyTag(key)}`, identificationNumber: `20${digitStream(key).slice(0, 9)}`, branchOffice: "" },
    outcome: OUTCOMES.get(key) ?? { status: "COMPLETED" },
    wallets: type === "PHONE" ? walletsOf(key) : null,
  };
}

/** The same phone always offers the same wallets (same ids): they are its owner's, not the order's. */
function walletsOf(phone: string): Wallet[] {
  return WALLET_BRANDS.map((wallet) => ({
    id: standInUuid(`wallet:${phone}:${wallet.brand}`),
    brand: wallet.brand,
    mobile: phone,
    present: wallet.present,
    directory: wallet.directory,
    participantCode: wallet.participantCode,
  }));
}
