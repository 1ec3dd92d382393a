import type { HandlerResult, IncomingRecord, OutgoingRecord } from "@riel/bus";
import { PermanentError } from "@riel/bus";
import type { HistoryEntry, RefundStatus, StoredPayment } from "@riel/payments";
import { initialView, methodOf, readPayment, settleRefund, statusOf, withStatus, writePayment } from "@riel/payments";
import type { CurrencyCode, OrderEvent, OrderState, ReportedStatus } from "@riel/rails";
import { apply, formatAmount, isCurrencyCode, isFinalPaymentStatus, newOrder, parseAmount } from "@riel/rails";
import type { Log } from "@riel/runtime";
import type { Envelope, Money, PaymentNeedsAttention, PaymentRefused, PaymentStatusChanged, ProviderReported, RielTopics, StatusSource } from "@riel/schemas";
import { deterministicId, topics } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";

export interface ProjectorDeps {
  readonly projections: ProjectionStore;
  readonly log: Log;
  /** Told when a payment enters a status, from `previous` (null for its first), once saved and to be published; for metrics. */
  readonly statusEntered?: (payment: { readonly status: string; readonly previous: string | null; readonly method: string }) => void;
  /**
   * Told when a payment enters a status, once saved: reconciliation schedules (or, for a final
   * status, cancels) its next check with the provider.
   */
  readonly scheduleCheck?: (view: StoredPayment["view"]) => Promise<void>;
}

type ProjectedTopics = typeof topics.paymentCommands.name | typeof topics.providerEvents.name;
type Out = OutgoingRecord<RielTopics>;

export type ProjectorOutcome =
  | "CREATED"
  | "CHANGED"
  | "RECORDED"
  | "DUPLICATE"
  | "REFUSED_MOVE"
  | "UNSUPPORTED_STATUS"
  | "IGNORED"
  | "ATTENTION"
  | "STALE_ATTENTION"
  | "OTHER_ORDER";
export type ProjectorResult = HandlerResult<RielTopics> & { readonly outcome: ProjectorOutcome };

/** The event's payment is not projected yet (its command is on another topic): retry later. */
export class PaymentNotYetProjected extends Error {
  override readonly name = "PaymentNotYetProjected";
}

/** Another writer moved the projection between our read and write: retry from a fresh read. */
export class ProjectionConflict extends Error {
  override readonly name = "ProjectionConflict";
}

// OrderState holds bigints, which JSON cannot; they travel as {"$n":"123"}.
const serialize = (state: OrderState): string =>
  JSON.stringify(state, (_k, v: unknown) => (typeof v === "bigint" ? { $n: v.toString() } : v));
const deserialize = (text: string): OrderState =>
  JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === "object" && "$n" in v ? BigInt((v as { $n: string }).$n) : v)) as OrderState;

const railsSource = (source: StatusSource): OrderEvent["source"] => (source === "PROVIDER_RESPONSE" ? "STATUS_QUERY" : source);

function railsMoney(m: Money | null): ReturnType<typeof parseAmount> | null {
  if (!m) return null;
  if (!isCurrencyCode(m.currency)) return { ok: false, error: { rule: "AMOUNT_FORMAT", message: `unknown currency ${m.currency}` } };
  return parseAmount(m.amount, m.currency as CurrencyCode);
}

/** The payment's order state machine, or null when neither its amount nor any currency of it can be read. */
function orderOf(stored: StoredPayment): OrderState | null {
  if (stored.machine) return deserialize(stored.machine);
  const amount = railsMoney(stored.view.amount);
  if (amount?.ok) return newOrder({ amount: amount.value });
  // An open amount starts from its currency alone. So does an amount or currency no rule takes, in a
  // command published straight to Kafka: its connector refuses it before any provider hears of it,
  // and that refusal must still end the payment here (it would otherwise stay RECEIVED for good).
  const method = methodOf(stored.view.method);
  const currency = [stored.view.currency, method && stored.details ? method.currencyOf(stored.details) : ""].find(isCurrencyCode);
  return currency === undefined ? null : newOrder({ currency });
}

function machineOf(stored: StoredPayment): OrderState {
  const machine = orderOf(stored);
  if (!machine) throw new Error(`payment ${stored.view.paymentId} has an unreadable amount`);
  return machine;
}

interface Translated {
  /** null: news about a refund alone (under way, refused), which changes the view but not the order. */
  readonly event: OrderEvent | null;
  readonly source: StatusSource;
  readonly reason: string | null;
  readonly enrich: (view: StoredPayment["view"]) => StoredPayment["view"];
}

const PAID = new Set(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
const UNPAID_PREVIEW = new Set(["CREATED", "WAITING_AMOUNT", "PROCESS_LATER", "CANCELED"]);
const REFUND_DONE = new Set(["REFUNDED", "PARTIALLY_REFUNDED"]);
const REFUND_REFUSED = new Set(["REJECTED", "FAILED", "CANCELED"]);

/**
 * Where a report leaves a refund, or null when it is not about one. A report is about a refund
 * when it names one, or carries a refund amount with a refund's status, or says REJECTED or
 * FAILED with an amount of a payment already paid (a paid payment cannot be refused any more:
 * only its refund can).
 */
function refundNews(e: ProviderReported, paymentStatus: string): RefundStatus | null {
  if (e.refundId === null && e.refundAmount === null) return null;
  if (REFUND_DONE.has(e.status)) return "REFUNDED";
  if (REFUND_REFUSED.has(e.status) && (e.refundId !== null || PAID.has(paymentStatus))) return "REJECTED";
  if (e.refundId !== null && (e.status === "PROCESSING" || e.status === "CREATED")) return "PROCESSING";
  return null;
}

/** A provider event in the rules library's terms, or null when Riel has no status for it. */
function translateReport(e: ProviderReported, current: StoredPayment): Translated | null {
  const base = { eventId: e.envelope.eventId, source: railsSource(e.source), at: e.envelope.occurredAt };
  const refund = railsMoney(e.refundAmount);
  const news = refundNews(e, current.view.status);
  let event: OrderEvent | null;
  if (news === "REFUNDED" && refund?.ok) event = { ...base, type: "REFUND", amount: refund.value };
  else if (news !== null && news !== "REFUNDED") event = null;
  else if (e.status === "UNSUPPORTED" || e.status === "RECEIVED" || e.status === "PARTIALLY_REFUNDED") return null;
  else {
    const amount = railsMoney(e.amount);
    event = { ...base, type: "STATUS", status: e.status satisfies ReportedStatus, amount: amount?.ok ? amount.value : null };
  }
  return {
    event,
    source: e.source,
    reason: news === null ? e.reason : null,
    enrich: (view) => {
      let refunds = view.refunds;
      if (news !== null) refunds = settleRefund(refunds, { refundId: e.refundId, amount: e.refundAmount, status: news, reason: e.reason, at: base.at });
      // A payment reported fully refunded ends every refund still open.
      else if (e.status === "REFUNDED") {
        for (const open of view.refunds.filter((r) => r.status === "REQUESTED" || r.status === "PROCESSING")) {
          refunds = settleRefund(refunds, { refundId: open.refundId, amount: open.amount, status: "REFUNDED", reason: null, at: base.at });
        }
      }
      return {
        ...view,
        providerOrderId: view.providerOrderId ?? e.providerOrderId,
        collector: e.collector ?? view.collector,
        localAmount: e.amount ?? view.localAmount,
        userAmount: e.userAmount ?? view.userAmount,
        wallets: e.wallets ?? view.wallets,
        payerInstructions: e.payerInstructions ?? view.payerInstructions,
        refunds,
      };
    },
  };
}

function translateRefusal(e: PaymentRefused): Translated {
  return {
    event: { type: "STATUS", eventId: e.envelope.eventId, source: "COMMAND", at: e.envelope.occurredAt, status: e.retryable ? "FAILED" : "REJECTED" },
    source: "COMMAND",
    reason: `${e.stage}: ${e.code}: ${e.reason}`,
    enrich: (view) => view,
  };
}

function statusChanged(stored: StoredPayment, entry: HistoryEntry, previous: string | null, cause: Envelope): Out {
  const { view } = stored;
  const value: PaymentStatusChanged = {
    envelope: {
      eventId: deterministicId("status-changed", view.paymentId, entry.eventId),
      occurredAt: entry.at,
      paymentId: view.paymentId,
      correlationId: cause.correlationId,
      causationId: entry.eventId,
    },
    status: entry.status,
    previousStatus: previous,
    final: view.final && view.history[view.history.length - 1]?.eventId === entry.eventId,
    externalReference: view.externalReference,
    providerOrderId: view.providerOrderId,
    amount: view.amount,
    reason: entry.reason,
    source: entry.source,
    method: view.method,
    provider: view.provider,
    refundedAmount: view.refundedAmount,
    payerInstructions: view.payerInstructions,
  };
  return { topic: topics.paymentEvents.name, key: view.paymentId, type: "riel.events.PaymentStatusChanged", value };
}

/**
 * For a record seen before: publish again the change it caused and every change before it, in
 * order, in case a crash lost them. They carry their first ids, so consumers drop the repeats.
 */
function republish(stored: StoredPayment, eventId: string, cause: Envelope): Out[] {
  const index = stored.view.history.findIndex((h) => h.eventId === eventId);
  return stored.view.history.slice(0, index + 1).map((entry, i) => statusChanged(stored, entry, stored.view.history[i - 1]?.status ?? null, cause));
}

/**
 * Keeps each payment's view and publishes its status changes. It speaks only Riel's vocabulary:
 * providers' statuses were mapped by their libraries, and the rules library's state machine
 * decides what a report does to the payment, whatever order reports arrive in.
 */
export function createProjectorHandler(deps: ProjectorDeps): (record: IncomingRecord<RielTopics[ProjectedTopics]>) => Promise<ProjectorResult> {
  /**
   * Reconciliation gave up on a payment: the view shows it and the public topic tells downstream,
   * unless the payment moved meanwhile (then the news is stale and dropped). A repeat publishes
   * the public record again under its first id.
   */
  async function needsAttention(e: PaymentNeedsAttention): Promise<ProjectorResult> {
    const found = await readPayment(deps.projections, e.envelope.paymentId);
    if (!found) throw new PaymentNotYetProjected(`no projection of payment ${e.envelope.paymentId} yet`);
    const current = found.payment;
    const publicRecord: Out = {
      topic: topics.paymentEvents.name,
      key: e.envelope.paymentId,
      type: "riel.events.PaymentNeedsAttention",
      value: { ...e, envelope: { ...e.envelope, eventId: deterministicId("attention", e.envelope.paymentId, e.envelope.eventId), causationId: e.envelope.eventId } },
    };
    if (current.applied.includes(e.envelope.eventId)) {
      return current.view.attention !== null ? { outcome: "DUPLICATE", publish: [publicRecord] } : { outcome: "DUPLICATE" };
    }
    const applied = [...current.applied, e.envelope.eventId];
    if (current.view.final || current.view.status !== e.status) {
      await save({ ...current, applied }, found.version);
      return { outcome: "STALE_ATTENTION" };
    }
    const attention = { status: e.status, since: e.since, raisedAt: e.envelope.occurredAt, checks: e.checks, reason: e.reason };
    await save({ ...current, view: { ...current.view, attention }, applied }, found.version);
    deps.log("payment needs attention", { paymentId: e.envelope.paymentId, status: e.status, checks: e.checks });
    return { outcome: "ATTENTION", publish: [publicRecord] };
  }

  /** The first status is announced once, by whichever record of the payment the projector saves first. */
  const announcedFirst = (stored: StoredPayment): void =>
    deps.statusEntered?.({ status: stored.view.history[0]?.status ?? stored.view.status, previous: null, method: stored.view.method });

  const save = async (given: StoredPayment, version: number): Promise<void> => {
    // The initiate command (the payer's data) is kept only until the provider's order is known, or the payment ended without one.
    const stored: StoredPayment = (given.view.providerOrderId !== null || given.view.final) && given.initiate !== undefined ? { ...given, initiate: undefined } : given;
    const result = await writePayment(deps.projections, stored, version);
    if (result.kind === "CONFLICT") throw new ProjectionConflict(`payment ${stored.view.paymentId} moved to version ${result.current}`);
  };

  /**
   * Saves the view and, when its status changed, schedules its next check, both sent at once: Redis
   * takes them in one round trip and one fsync. A check scheduled for a save that then conflicts
   * is harmless: the record is handled again from a fresh read and schedules again.
   */
  const saveAndSchedule = async (stored: StoredPayment, version: number, schedule: boolean): Promise<void> => {
    const [saved, scheduled] = await Promise.allSettled([save(stored, version), schedule ? deps.scheduleCheck?.(stored.view) : undefined]);
    if (saved.status === "rejected") throw saved.reason;
    if (scheduled.status === "rejected") throw scheduled.reason;
  };

  async function project(
    envelope: Envelope,
    translate: (current: StoredPayment) => Translated | null,
    type: string,
    otherOrder: (current: StoredPayment) => boolean = () => false,
  ): Promise<ProjectorResult> {
    const found = await readPayment(deps.projections, envelope.paymentId);
    if (!found) throw new PaymentNotYetProjected(`no projection of payment ${envelope.paymentId} yet`);
    const current = found.payment;
    if (current.applied.includes(envelope.eventId)) return { outcome: "DUPLICATE", publish: republish(current, envelope.eventId, envelope) };
    if (otherOrder(current)) {
      deps.log("report about another order of the payment ignored", { paymentId: envelope.paymentId, type });
      return { outcome: "OTHER_ORDER" };
    }
    const translated = translate(current);
    if (!translated) {
      deps.log("status not supported; payment left as it was", { paymentId: envelope.paymentId, type });
      return { outcome: "UNSUPPORTED_STATUS" };
    }
    const applied = [...current.applied, envelope.eventId];
    if (translated.event === null) {
      // A refund under way or refused: the refund's line changes, the payment does not.
      const view = translated.enrich(current.view);
      await save({ ...current, view: { ...view, updatedAt: envelope.occurredAt }, applied }, found.version);
      return { outcome: "RECORDED" };
    }
    const result = apply(machineOf(current), translated.event);
    switch (result.kind) {
      case "DUPLICATE":
        return { outcome: "DUPLICATE", publish: republish(current, envelope.eventId, envelope) };
      case "REJECTED": {
        deps.log("impossible move refused", { paymentId: envelope.paymentId, rule: result.rule });
        await save({ ...current, applied }, found.version);
        return { outcome: "REFUSED_MOVE" };
      }
      case "STALE": {
        const view = translated.enrich(current.view);
        await save({ ...current, view: { ...view, updatedAt: envelope.occurredAt }, applied, machine: serialize(result.state) }, found.version);
        return { outcome: "RECORDED" };
      }
      case "APPLIED": {
        const status = result.state.status ?? statusOf(current.view);
        const enriched = translated.enrich(current.view);
        const changed = status !== current.view.status;
        const entry: HistoryEntry = { status, source: translated.source, at: envelope.occurredAt, eventId: envelope.eventId, reason: translated.reason };
        const learned = result.state.amount;
        const view = withStatus(
          {
            ...enriched,
            // An open amount becomes known with the preview that priced it.
            amount: enriched.amount ?? (learned ? { amount: formatAmount(learned), currency: learned.currency } : null),
            final: isFinalPaymentStatus(status),
            reason: translated.reason ?? enriched.reason,
            refundedAmount: result.state.refunded.minor > 0n ? { amount: formatAmount(result.state.refunded), currency: result.state.refunded.currency } : null,
            history: changed ? [...enriched.history, entry] : enriched.history,
            updatedAt: envelope.occurredAt,
          },
          status,
        );
        const stored: StoredPayment = { ...current, view, applied, machine: serialize(result.state), announced: current.announced || changed };
        await saveAndSchedule(stored, found.version, changed);
        if (!changed) return { outcome: "RECORDED", publish: [] };
        if (!current.announced) announcedFirst(stored);
        deps.statusEntered?.({ status, previous: current.view.status, method: view.method });
        // The ingress writes the first view itself, so a provider's report can overtake the
        // InitiatePayment on its way here: RECEIVED is published first all the same.
        const first = current.announced ? [] : republish(stored, stored.view.history[0]?.eventId ?? "", envelope);
        return { outcome: "CHANGED", publish: [...first, statusChanged(stored, entry, current.view.status, envelope)] };
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  return async (record) => {
    switch (record.type) {
      case "riel.commands.InitiatePayment": {
        const { envelope } = record.value;
        const found = await readPayment(deps.projections, envelope.paymentId);
        if (found) {
          if (!found.payment.announced) {
            await saveAndSchedule({ ...found.payment, announced: true }, found.version, true);
            announcedFirst(found.payment);
          }
          return { outcome: "DUPLICATE", publish: republish(found.payment, envelope.eventId, envelope) };
        }
        const stored: StoredPayment = { ...initialView(record.value), announced: true };
        // Without a currency Riel handles (its amount's or its method's) a payment can be neither tracked nor
        // refused: such a command, published straight to Kafka, goes to the dead-letter topic saying why.
        if (orderOf(stored) === null) {
          throw new PermanentError(`amount.currency: ${JSON.stringify(record.value.amount?.currency ?? null)} is no currency Riel handles, and method ${record.value.method} names none`);
        }
        await saveAndSchedule(stored, 0, true);
        announcedFirst(stored);
        return { outcome: "CREATED", publish: republish(stored, envelope.eventId, envelope) };
      }
      case "riel.commands.ConfirmPayment":
      case "riel.commands.SetPaymentAmount":
      case "riel.commands.RefundPayment":
      case "riel.commands.SyncPayment":
        return { outcome: "IGNORED" };
      case "riel.events.ProviderReported": {
        const e = record.value;
        return project(e.envelope, (current) => translateReport(e, current), record.type, (current) =>
          // A preview abandoned for a new one (REPREVIEW) can only say what an unpaid preview says: its
          // preview or its expiry. Those, about an order that is not the payment's, move nothing.
          e.providerOrderId !== null && current.view.providerOrderId !== null && e.providerOrderId !== current.view.providerOrderId && UNPAID_PREVIEW.has(e.status),
        );
      }
      case "riel.events.PaymentRefused":
        return project(record.value.envelope, () => translateRefusal(record.value), record.type);
      case "riel.events.PaymentNeedsAttention":
        return needsAttention(record.value);
      default: {
        const never: never = record;
        return never;
      }
    }
  };
}
