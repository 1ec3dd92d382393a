import type { Order } from "../orders/order-store.js";

// The Peru document's `wallet_id` ("only phone"): an order previewed from a
// Peru phone key is paid into one of the wallets its preview offered. The
// messages are the sandbox's, in the NestJS field-rule style.

export const WALLET_REQUIRED = "wallet_id should not be empty";
export const WALLET_NOT_OFFERED = "wallet_id must be one of the wallets offered in the preview";
export const WALLET_NOT_ACCEPTED = "wallet_id is only accepted for Peru phone keys";

export type WalletChoice = { readonly kind: "chosen"; readonly walletId: string | null } | { readonly kind: "refused"; readonly message: string };

/**
 * Accepted: a Peru phone order needs one of its offered wallets. Rejected:
 * it may omit it (nothing is paid), but a wallet it names must be offered.
 * Every other order takes no wallet_id at all.
 */
export function chooseWallet(order: Order, decision: "accepted" | "rejected", walletId: string | undefined): WalletChoice {
  if (order.wallets === null) return walletId === undefined ? { kind: "chosen", walletId: null } : { kind: "refused", message: WALLET_NOT_ACCEPTED };
  if (walletId === undefined || walletId === "") {
    return decision === "rejected" && walletId === undefined ? { kind: "chosen", walletId: null } : { kind: "refused", message: WALLET_REQUIRED };
  }
  return order.wallets.some((wallet) => wallet.id === walletId) ? { kind: "chosen", walletId } : { kind: "refused", message: WALLET_NOT_OFFERED };
}
