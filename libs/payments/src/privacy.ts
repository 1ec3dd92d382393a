import { maskPersonal } from "./mask.js";
import type { PaymentView } from "./view.js";

/** What a caller may see of a payment. */
export interface ViewAccess {
  /** The scope payments:read:personal: tax ids and phone numbers in full. */
  readonly personal: boolean;
}

/**
 * The view as a caller sees it. Without the personal scope, what identifies a person is masked:
 * the collector's identification number (a tax id: CPF, RUC, NIT) and the phone numbers of the
 * payee's wallets. The payer's data and the payee key are never in a view at all (the method
 * modules' `view` leave them out); names of merchants, brands and statuses stay whole.
 */
export function viewFor(view: PaymentView, access: ViewAccess): PaymentView {
  if (access.personal) return view;
  return {
    ...view,
    collector: view.collector === null ? null : { ...view.collector, identificationNumber: maskPersonal(view.collector.identificationNumber) },
    wallets: view.wallets === null ? null : view.wallets.map((w) => ({ ...w, mobile: maskPersonal(w.mobile, 3) })),
  };
}
