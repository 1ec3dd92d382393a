import type { CallbacksAfterPay, PaymentOutcome } from "../orders/order-store.js";
import type { DictKeyType } from "./dict-key-format.js";
import { digitStream, keyTag } from "./stand-in-identity.js";

// The sandbox's stand-in for the Pix DICT: which account a key belongs to and
// how a payment to it ends. Test keys pick the outcome; any other well-formed
// key resolves to a deterministic recipient and completes.

export interface Recipient {
  readonly name: string;
  readonly accountNumber: string;
  readonly identificationNumber: string;
  readonly mcc: string;
  readonly branchOffice: string;
  readonly category: string;
  readonly postalCode: null;
  readonly bank: string;
  readonly terminal: null;
}

export type DictLookup =
  | { readonly kind: "found"; readonly recipient: Recipient; readonly outcome: PaymentOutcome; readonly callbacksAfterPay: CallbacksAfterPay }
  | { readonly kind: "not_found" };

/** Valid Pix keys with a fixed behaviour. Documented in the package README. */
export const PIX_TEST_KEYS = {
  /** CPF 111.444.777-35: the payment ends REJECTED. */
  rejected: "11144477735",
  /** CPF 529.982.247-25: the payment ends FAILED. */
  failed: "52998224725",
  /** CPF 123.456.789-09: well-formed but not registered at DICT (400 INVALID_DICT_KEY). */
  notRegistered: "12345678909",
  /** CPF 987.654.321-00: the payment ends COMPLETED, but no callback is sent after the pay request (the preview's is). */
  silent: "98765432100",
} as const;

export const REJECTED_ERROR_CODE = "VENCIDO | 0200 - AVISO ENVIADO";
export const FAILED_ERROR_CODE = "ACCOUNT_BLOCKED The specified account is blocked.";

const OUTCOMES: ReadonlyMap<string, PaymentOutcome> = new Map<string, PaymentOutcome>([
  [PIX_TEST_KEYS.rejected, { status: "REJECTED", errorCode: REJECTED_ERROR_CODE }],
  [PIX_TEST_KEYS.failed, { status: "FAILED", errorCode: FAILED_ERROR_CODE }],
]);

const NOT_REGISTERED: ReadonlySet<string> = new Set([PIX_TEST_KEYS.notRegistered]);
const SILENT: ReadonlySet<string> = new Set([PIX_TEST_KEYS.silent]);

export function lookupDictKey(key: string, type: DictKeyType): DictLookup {
  if (NOT_REGISTERED.has(key)) return { kind: "not_found" };
  return {
    kind: "found",
    recipient: recipientFor(key, type),
    outcome: OUTCOMES.get(key) ?? { status: "COMPLETED" },
    callbacksAfterPay: SILENT.has(key) ? "dropped" : "sent",
  };
}

function recipientFor(key: string, type: DictKeyType): Recipient {
  const digits = digitStream(key);
  return {
    name: `SANDBOX RECIPIENT ${keyTag(key)}`,
    accountNumber: digits.slice(0, 10),
    // A CPF or CNPJ key is the owner's tax id; other key types get a stable stand-in.
    identificationNumber: type === "CPF" || type === "CNPJ" ? key : digits.slice(10, 21),
    mcc: "CHECKING",
    branchOffice: "0001",
    category: "CHECKING",
    postalCode: null,
    bank: "Depay Sandbox Bank",
    terminal: null,
  };
}
