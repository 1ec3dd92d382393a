import type { PaymentOutcome } from "../orders/order-store.js";
import { REJECTED_ERROR_CODE, type DictLookup } from "./dict-directory.js";
import { digitStream, keyTag } from "./stand-in-identity.js";

// The sandbox's stand-in for Colombia's Bre-B directory: who owns a key and
// how a payment to it ends. Any other well-formed key resolves to a
// deterministic owner and completes.

/** Bre-B keys with a fixed behaviour (the first four are the Colombia document's examples). Documented in the package README. */
export const BREB_TEST_KEYS = {
  /** Type name (21 characters): completes. */
  name: "@CBARG452PEXTOCOLOMBI",
  /** Type id (18 characters): completes. */
  id: "@CBAQ1ER9001234567",
  /** Type random (10 characters): completes. */
  random: "@CBAQ1EXD8",
  /** Type open_input (21 characters): completes. */
  openInput: "@MYPERSONALIZEDKEY123",
  /** The payment ends REJECTED. */
  rejected: "@RIELRECHAZO01",
  /** Well-formed, but no one owns it: 400 INVALID_DICT_KEY. */
  notRegistered: "@RIELNOEXISTE01",
} as const;

const OUTCOMES: ReadonlyMap<string, PaymentOutcome> = new Map<string, PaymentOutcome>([
  [BREB_TEST_KEYS.rejected, { status: "REJECTED", errorCode: REJECTED_ERROR_CODE }],
]);

const NOT_REGISTERED: ReadonlySet<string> = new Set([BREB_TEST_KEYS.notRegistered]);

/** The same answer shape as the Pix directory's: the validation endpoint returns the recipient the same way. */
export function lookupBrebKey(key: string): DictLookup {
  if (NOT_REGISTERED.has(key)) return { kind: "not_found" };
  const digits = digitStream(`breb:${key}`);
  return {
    kind: "found",
    recipient: {
      name: `SANDBOX RECIPIENT ${keyTag(key)}`,
      accountNumber: digits.slice(0, 10),
      // A cédula-like 10-digit stand-in.
      identificationNumber: `1${digits.slice(10, 19)}`,
      mcc: "CHECKING",
      branchOffice: "0001",
      category: "CHECKING",
      postalCode: null,
      bank: "Depay Sandbox Bank",
      terminal: null,
    },
    outcome: OUTCOMES.get(key) ?? { status: "COMPLETED" },
    callbacksAfterPay: "sent",
  };
}
