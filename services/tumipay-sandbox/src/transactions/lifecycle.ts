import type { Deadlines, JsonObject } from "@riel/sandbox-kit";
import type { TestBehaviour } from "../test-data.js";
import { ipnBody } from "../wire/tumipay-bodies.js";
import { ACTIVE_STATUSES, type Outcome, type Transaction, type TransactionStatus, type TransactionStore } from "./transaction-store.js";

// Every status change of a transaction goes through here, so each one is
// announced by exactly one IPN, in order (one stream per ticket). Whoever
// drives the change (the hosted page, an admin route, a test email, the
// expiry deadline) calls decide() or expire().

export type MoveResult =
  | { readonly kind: "moved"; readonly transaction: Transaction }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_allowed"; readonly status: TransactionStatus; readonly reason: string };

export interface Lifecycle {
  /** Starts the expiry deadline (expiration_time from creation) and, for a test email, its scheduled behaviour. */
  started(transaction: Transaction, behaviour: TestBehaviour): void;
  /** The transaction, expired first if its time has passed by the sandbox clock (a timer can run late; a test clock can run ahead). */
  current(ticket: string): Transaction | undefined;
  /** The payer starts paying without an end decided yet: CREATED moves to PENDING; it can still expire. */
  start(ticket: string): MoveResult;
  /** The payer pays: CREATED moves to PENDING now; `outcome` follows callbackDelayMs later. */
  decide(ticket: string, outcome: Outcome): MoveResult;
  /** CREATED or PENDING (with no outcome under way) moves to EXPIRED now. */
  expire(ticket: string): MoveResult;
}

export interface LifecycleDeps {
  readonly transactions: TransactionStore;
  readonly deadlines: Deadlines;
  readonly now: () => Date;
  /** Runs `step` callbackDelayMs after the ticket's previous step. */
  readonly later: (ticket: string, step: () => void) => void;
  /** Queues an IPN; the IPNs of one ticket are delivered in the order queued. */
  readonly notify: (ticket: string, url: string, label: string, body: JsonObject) => void;
}

export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const { transactions, deadlines, now, later, notify } = deps;

  const announce = (t: Transaction): void => notify(t.ticket, t.ipnUrl, t.status, ipnBody(t));

  const move = (ticket: string, to: TransactionStatus): MoveResult => {
    const result = transactions.transition(ticket, to);
    switch (result.kind) {
      case "moved":
        announce(result.transaction);
        return result;
      case "not_found":
        return result;
      case "not_allowed":
        return { kind: "not_allowed", status: result.from, reason: `transaction is ${result.from}` };
      default: {
        const unreachable: never = result;
        throw new Error(`unknown transition ${JSON.stringify(unreachable)}`);
      }
    }
  };

  const expire = (ticket: string): MoveResult => {
    const t = transactions.get(ticket);
    if (t === undefined) return { kind: "not_found" };
    if (!ACTIVE_STATUSES.has(t.status)) return { kind: "not_allowed", status: t.status, reason: `transaction is ${t.status}` };
    if (t.plannedOutcome !== null) return { kind: "not_allowed", status: t.status, reason: `transaction is ${t.status} with its payment under way` };
    deadlines.cancel(ticket);
    return move(ticket, "EXPIRED");
  };

  const current = (ticket: string): Transaction | undefined => {
    const t = transactions.get(ticket);
    if (t !== undefined && ACTIVE_STATUSES.has(t.status) && t.plannedOutcome === null && now().getTime() >= t.expiresAt.getTime()) {
      expire(ticket);
    }
    return transactions.get(ticket);
  };

  const decide = (ticket: string, outcome: Outcome): MoveResult => {
    const t = current(ticket);
    if (t === undefined) return { kind: "not_found" };
    if (!ACTIVE_STATUSES.has(t.status)) return { kind: "not_allowed", status: t.status, reason: `transaction is ${t.status}` };
    if (t.plannedOutcome !== null) return { kind: "not_allowed", status: t.status, reason: `transaction is ${t.status} with its payment under way` };
    // The payment is under way: the bank answers, expiry no longer applies.
    deadlines.cancel(ticket);
    transactions.planOutcome(ticket, outcome);
    const started = t.status === "CREATED" ? move(ticket, "PENDING") : ({ kind: "moved", transaction: transactions.get(ticket) ?? t } as const);
    later(ticket, () => {
      move(ticket, outcome);
    });
    return started;
  };

  const start = (ticket: string): MoveResult => {
    const t = current(ticket);
    if (t === undefined) return { kind: "not_found" };
    if (t.status !== "CREATED") return { kind: "not_allowed", status: t.status, reason: `transaction is ${t.status}, not CREATED` };
    return move(ticket, "PENDING");
  };

  return {
    started(t, behaviour) {
      deadlines.set(t.ticket, Math.max(0, t.expiresAt.getTime() - now().getTime()), () => {
        // Paid, expired or under way meanwhile: not_allowed, nothing to do.
        expire(t.ticket);
      });
      if (behaviour.kind === "outcome") later(t.ticket, () => void decide(t.ticket, behaviour.outcome));
      else if (behaviour.kind === "expire") later(t.ticket, () => void expire(t.ticket));
    },
    current,
    start,
    decide,
    expire,
  };
}
