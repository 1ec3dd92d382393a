import { compare, parseDecimal } from "@riel/sandbox-kit";
import type { CustomerData, PaymentMethod } from "../http/payin-request.js";

// The transactions of the sandbox, in memory, with TumiPay's statuses (the
// IPN's vocabulary) and the moves allowed between them:
//   CREATED -> PENDING (the payer started) -> APPROVED | REJECTED | DECLINED
//   CREATED | PENDING -> EXPIRED (expiration_time passed)

export type TransactionStatus = "CREATED" | "PENDING" | "APPROVED" | "REJECTED" | "DECLINED" | "EXPIRED";
/** How a payer's payment ends. */
export type Outcome = "APPROVED" | "REJECTED" | "DECLINED";

const ALLOWED: Readonly<Record<TransactionStatus, readonly TransactionStatus[]>> = {
  CREATED: ["PENDING", "EXPIRED"],
  PENDING: ["APPROVED", "REJECTED", "DECLINED", "EXPIRED"],
  APPROVED: [],
  REJECTED: [],
  DECLINED: [],
  EXPIRED: [],
};

/** True for a status the life cycle never leaves (APPROVED, REJECTED, DECLINED, EXPIRED). */
export function isFinalStatus(status: TransactionStatus): boolean {
  return ALLOWED[status].length === 0;
}

export const ACTIVE_STATUSES: ReadonlySet<TransactionStatus> = new Set<TransactionStatus>(["CREATED", "PENDING"]);

export interface StatusChange {
  readonly status: TransactionStatus;
  readonly at: Date;
}

export interface Transaction {
  readonly ticket: string;
  readonly reference: string;
  /** As written in the request (`1.50`). */
  readonly amountText: string;
  /** Normalised decimal string (`1.5`). */
  readonly amount: string;
  readonly currency: "PEN";
  readonly paymentMethod: PaymentMethod;
  readonly ipnUrl: string;
  readonly redirectUrl: string;
  readonly description: string | null;
  readonly customer: CustomerData;
  readonly paymentUrl: string;
  /** The text inside the QR image (payment_method QR only); the PNG is drawn from it. */
  readonly qrPayload: string | null;
  /** PagoEfectivo's payment code (payment_method PAGOEFECTIVO only). */
  readonly cip: string | null;
  readonly status: TransactionStatus;
  /** Set once the payer's payment is under way and its end is decided; no expiry after that. */
  readonly plannedOutcome: Outcome | null;
  /** True once the transaction went through PENDING: a bank (and for CARD a card) is involved. */
  readonly payerStarted: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly expiresAt: Date;
  readonly history: readonly StatusChange[];
}

export type NewTransaction = Omit<Transaction, "status" | "plannedOutcome" | "payerStarted" | "createdAt" | "updatedAt" | "history">;

export type TransitionResult =
  | { readonly kind: "moved"; readonly transaction: Transaction }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_allowed"; readonly from: TransactionStatus };

export class TransactionStore {
  readonly #byTicket = new Map<string, Transaction>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  create(input: NewTransaction): Transaction {
    if (this.#byTicket.has(input.ticket)) throw new Error(`duplicate ticket ${input.ticket}`);
    const at = this.#now();
    const transaction: Transaction = {
      ...input,
      status: "CREATED",
      plannedOutcome: null,
      payerStarted: false,
      createdAt: at,
      updatedAt: at,
      history: [{ status: "CREATED", at }],
    };
    this.#byTicket.set(input.ticket, transaction);
    return transaction;
  }

  /** Undoes a create whose answer could not be built (a sandbox fault); nothing else removes a transaction. */
  remove(ticket: string): void {
    this.#byTicket.delete(ticket);
  }

  get(ticket: string): Transaction | undefined {
    return this.#byTicket.get(ticket);
  }

  list(): Transaction[] {
    return [...this.#byTicket.values()];
  }

  get size(): number {
    return this.#byTicket.size;
  }

  /** Active (CREATED or PENDING) transactions of this customer email (case-insensitive) for this amount (by value: 50 = 50.00). */
  findActive(email: string, amount: string): Transaction[] {
    const wanted = parseDecimal(amount);
    if (wanted === undefined) return [];
    const lowerEmail = email.toLowerCase();
    return this.list().filter((t) => {
      const other = parseDecimal(t.amount);
      return ACTIVE_STATUSES.has(t.status) && t.customer.email.toLowerCase() === lowerEmail && other !== undefined && compare(other, wanted) === 0;
    });
  }

  transition(ticket: string, to: TransactionStatus): TransitionResult {
    const current = this.#byTicket.get(ticket);
    if (current === undefined) return { kind: "not_found" };
    if (!ALLOWED[current.status].includes(to)) return { kind: "not_allowed", from: current.status };
    const at = this.#now();
    const moved: Transaction = {
      ...current,
      status: to,
      payerStarted: current.payerStarted || to === "PENDING",
      updatedAt: at,
      history: [...current.history, { status: to, at }],
    };
    this.#byTicket.set(ticket, moved);
    return { kind: "moved", transaction: moved };
  }

  planOutcome(ticket: string, outcome: Outcome): Transaction | undefined {
    const current = this.#byTicket.get(ticket);
    if (current === undefined) return undefined;
    const planned: Transaction = { ...current, plannedOutcome: outcome };
    this.#byTicket.set(ticket, planned);
    return planned;
  }
}
