import { maskPersonal } from "./mask.js";
import type { PaymentView } from "./view.js";

/** What a caller may see of a payment. */
export interface ViewAccess {
  /** The scope payments:read:personal: tax ids and phone numbers in full. */
  readonly personal: boolean;
}

/*
 * What a tax id, an account number, a phone number or a key looks like inside a reason (the
 * provider's words, which Riel does not choose): e-mail addresses, Bre-B "@" keys, +country phone
 * numbers, CPF and CNPJ as written (390.533.447-05, 11.222.333/0001-81), and runs of 8 or more
 * digits (DNI, RUC, CPF, CCI, account and local phone numbers) that are not part of a word, an id
 * (UUIDs keep their digits) or an amount with decimals (50000000.00 stays). Riel's own words
 * (statuses, rules, codes) have none of these shapes.
 */
const PERSONAL_SHAPES =
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(?<![A-Za-z0-9])@[A-Za-z0-9][A-Za-z0-9._-]{2,}|\+\d(?:[ .()-]{0,2}\d){6,14}|(?<![\w.,/-])(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{8,})(?![\w/-]|[.,]\d)/g;

/** A reason with what looks like personal data, and the values masked elsewhere in the view, masked. */
function maskText(text: string | null, known: readonly string[]): string | null {
  if (text === null) return null;
  const given = known.reduce((t, value) => t.split(value).join(maskPersonal(value)), text);
  return given.replace(PERSONAL_SHAPES, (found) => maskPersonal(found, 3));
}

/**
 * The view as a caller sees it. Without the personal scope, what identifies a person is masked:
 * the collector's identification number (a tax id: CPF, CNPJ, RUC, NIT; last 4 kept) and the
 * phone numbers of the payee's wallets (last 3 kept), and, in the free text of reasons (the
 * payment's, its history's, its refunds', its attention's), those same values and whatever looks
 * like personal data (PERSONAL_SHAPES), since a provider may echo a key or a document in its
 * message. The payer's data and the payee key are never in a view at all (the method modules'
 * `view` leave them out); names of merchants and collectors, brands, statuses and the caller's
 * own externalReference stay whole.
 */
export function viewFor(view: PaymentView, access: ViewAccess): PaymentView {
  if (access.personal) return view;
  const known = [view.collector?.identificationNumber, ...(view.wallets ?? []).map((w) => w.mobile)].filter((v): v is string => v !== undefined && v.length >= 6);
  const text = (value: string | null): string | null => maskText(value, known);
  return {
    ...view,
    collector: view.collector === null ? null : { ...view.collector, identificationNumber: maskPersonal(view.collector.identificationNumber) },
    wallets: view.wallets === null ? null : view.wallets.map((w) => ({ ...w, mobile: maskPersonal(w.mobile, 3) })),
    reason: text(view.reason),
    history: view.history.map((h) => ({ ...h, reason: text(h.reason) })),
    refunds: view.refunds.map((r) => ({ ...r, reason: text(r.reason) })),
    attention: view.attention === null ? null : { ...view.attention, reason: text(view.attention.reason) ?? "" },
  };
}
