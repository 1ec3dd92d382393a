import type { CallbackRecord, CallCounters, CallsReport, PaymentTruth, SandboxRuntime, TruthReport } from "@riel/sandbox-kit";
import { referenceStream, ticketStream, type EndpointId } from "../endpoints.js";
import type { LegalDocType } from "../customer/legal-doc.js";
import type { PaymentMethod } from "../http/payin-request.js";
import { isFinalStatus, type Outcome, type Transaction, type TransactionStatus, type TransactionStore } from "../transactions/transaction-store.js";

/** A transaction as plain JSON (dates as ISO strings, the amount as written in the request). */
export interface TransactionView {
  readonly ticket: string;
  readonly reference: string;
  readonly amount: string;
  readonly currency: "PEN";
  readonly paymentMethod: PaymentMethod;
  readonly status: TransactionStatus;
  readonly plannedOutcome: Outcome | null;
  readonly customer: {
    readonly legalDoc: string;
    readonly legalDocType: LegalDocType;
    readonly phoneCode: string;
    readonly phoneNumber: string;
    readonly email: string;
    readonly fullName: string;
  };
  readonly description: string | null;
  readonly ipnUrl: string;
  readonly redirectUrl: string;
  readonly paymentUrl: string;
  readonly qrPayload: string | null;
  readonly cip: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expiresAt: string;
  readonly history: readonly { readonly status: TransactionStatus; readonly at: string }[];
}

export interface TransactionReport {
  readonly transaction: TransactionView;
  /** `payin`: the creates that named this transaction's reference; `lookup`: the lookups of its ticket. */
  readonly calls: { readonly payin: CallCounters; readonly lookup: CallCounters };
  /** The IPNs, in order: label (the status announced), delivery state, attempts. */
  readonly callbacks: readonly CallbackRecord[];
}

export interface TumipayCallsReport extends CallsReport {
  /** Transactions created, all references together. */
  readonly transactionsCreated: number;
  /**
   * Per reference named by a create: `requests` (authenticated creates),
   * `effects` (transactions created: 0 or 1), `replays` (the first answer
   * repeated for the same body), `idempotencyConflicts` (DUPLICATE_REFERENCE).
   */
  readonly references: Record<string, CallCounters>;
}

export interface SandboxReports {
  transaction(ticket: string): TransactionReport | undefined;
  listTransactions(): TransactionView[];
  calls(): TumipayCallsReport;
  /** GET /__sandbox/truth: per reference, what TumiPay holds (see README). */
  truth(reference?: string): TruthReport;
}

export function toTransactionView(t: Transaction): TransactionView {
  return {
    ticket: t.ticket,
    reference: t.reference,
    amount: t.amountText,
    currency: t.currency,
    paymentMethod: t.paymentMethod,
    status: t.status,
    plannedOutcome: t.plannedOutcome,
    customer: { ...t.customer },
    description: t.description,
    ipnUrl: t.ipnUrl,
    redirectUrl: t.redirectUrl,
    paymentUrl: t.paymentUrl,
    qrPayload: t.qrPayload,
    cip: t.cip,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    history: t.history.map((change) => ({ status: change.status, at: change.at.toISOString() })),
  };
}

const ZERO: CallCounters = { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 };

export function createReports(deps: {
  transactions: TransactionStore;
  references: ReadonlySet<string>;
  runtime: SandboxRuntime<EndpointId>;
  /** The transaction as of the sandbox clock (expired first when due). */
  current: (ticket: string) => Transaction | undefined;
}): SandboxReports {
  const { transactions, references, runtime, current } = deps;
  const payinCalls = (reference: string): CallCounters => runtime.streamCalls(referenceStream(reference), ["payin"]).payin ?? { ...ZERO };
  return {
    transaction(ticket) {
      const t = current(ticket);
      if (t === undefined) return undefined;
      return {
        transaction: toTransactionView(t),
        calls: {
          payin: payinCalls(t.reference),
          lookup: runtime.streamCalls(ticketStream(ticket), ["lookup"]).lookup ?? { ...ZERO },
        },
        callbacks: runtime.callbacks(ticket),
      };
    },
    listTransactions: () => transactions.list().map((t) => toTransactionView(current(t.ticket) ?? t)),
    calls() {
      const report = runtime.callsReport();
      const perReference: Record<string, CallCounters> = {};
      for (const reference of references) perReference[reference] = payinCalls(reference);
      return { ...report, faults: runtime.faults.counters(), transactionsCreated: report.endpoints.payin?.effects ?? 0, references: perReference };
    },
    truth(reference) {
      // One pass over the transactions. A reference has at most one (it is unique once a create succeeded).
      const payments = new Map<string, PaymentTruth>();
      for (const listed of transactions.list()) {
        if (reference !== undefined && listed.reference !== reference) continue;
        const t = current(listed.ticket) ?? listed;
        const previous = payments.get(t.reference);
        payments.set(t.reference, {
          status: t.status,
          final: isFinalStatus(t.status),
          orders: (previous?.orders ?? 0) + 1,
          payEffects: payinCalls(t.reference).effects,
          refunds: [],
        });
      }
      // fromEntries defines own properties, so a reference such as "__proto__" is kept as data.
      return { payments: Object.fromEntries(payments) };
    },
  };
}
