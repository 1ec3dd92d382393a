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
 *
 * The e-mail branch may only start where a run of local-part characters starts: without that, a
 * long run with no "@" (a provider's reason of 60 KB of letters or digits) is scanned again from
 * every position, quadratic time (about 10 s at 64 KB) on every read of the payment. That loses
 * nothing: the run from any position inside a run ends at the same "@", so the branch matches
 * there only if it matches where the run starts, which the scan reaches first, except where the
 * scan resumes inside a run after another match: maskShapes tries the branch there (EMAIL_HERE).
 */
const PERSONAL_SHAPES =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(?<![A-Za-z0-9])@[A-Za-z0-9][A-Za-z0-9._-]{2,}|\+\d(?:[ .()-]{0,2}\d){6,14}|(?<![\w.,/-])(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{8,})(?![\w/-]|[.,]\d)/g;

/** PERSONAL_SHAPES' e-mail branch alone, tried where the scan resumes. */
const EMAIL_HERE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;
const LOCAL_RUN = /[A-Za-z0-9._%+-]*/y;
const isLocal = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9._%+-]/.test(ch);

/**
 * `text` with every PERSONAL_SHAPES match masked, the matches those of a scan that tries the
 * e-mail branch at every position: where the scan resumes inside a run of local-part characters
 * (after "@abc" in "@abc+x@d.com") the branch is tried once, and not again in that run if it fails.
 */
function maskShapes(text: string): string {
  let out = "";
  let from = 0;
  let noEmailBefore = 0;
  for (;;) {
    let found: RegExpExecArray | null = null;
    if (from >= noEmailBefore && isLocal(text[from - 1]) && isLocal(text[from])) {
      EMAIL_HERE.lastIndex = from;
      found = EMAIL_HERE.exec(text);
      if (found === null) {
        LOCAL_RUN.lastIndex = from;
        LOCAL_RUN.exec(text);
        noEmailBefore = LOCAL_RUN.lastIndex;
      }
    }
    if (found === null) {
      PERSONAL_SHAPES.lastIndex = from;
      found = PERSONAL_SHAPES.exec(text);
    }
    if (found === null) break;
    out += text.slice(from, found.index) + maskPersonal(found[0], 3);
    from = found.index + found[0].length;
  }
  return out + text.slice(from);
}

/** A reason with what looks like personal data, and the values masked elsewhere in the view, masked. */
function maskText(text: string | null, known: readonly string[]): string | null {
  if (text === null) return null;
  const given = known.reduce((t, value) => t.split(value).join(maskPersonal(value)), text);
  return maskShapes(given);
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
