import type { HandlerResult, IncomingRecord, OutgoingRecord } from "@riel/bus";
import { mapStatus } from "@riel/depay";
import type { CurrencyCode, OrderEvent, OrderState, ReportedStatus } from "@riel/rails";
import { apply, formatAmount, isCurrencyCode, isFinalStatus, newOrder, parseAmount } from "@riel/rails";
import type { HistoryEntry, Log, StoredPayment } from "@riel/runtime";
import { deterministicId, initialView, readPayment, writePayment } from "@riel/runtime";
import type {
  Envelope,
  InitiatePayment,
  Money,
  PaymentRefused,
  PaymentStatusChanged,
  ProviderPreviewReceived,
  ProviderStatusReceived,
  StatusSource,
} from "@riel/schemas";
import { topics } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";

export interface ProjectorDeps {
  readonly projections: ProjectionStore;
  readonly log: Log;
}

export type ProjectorOutcome = "CREATED" | "CHANGED" | "RECORDED" | "DUPLICATE" | "REFUSED_MOVE" | "UNSUPPORTED_STATUS" | "IGNORED";

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

function machineOf(stored: StoredPayment): OrderState {
  if (stored.machine) return deserialize(stored.machine);
  const amount = railsMoney(stored.view.amount);
  if (!amount?.ok) throw new Error(`payment ${stored.view.paymentId} has an unreadable amount`);
  return newOrder({ amount: amount.value });
}

interface Translated {
  readonly event: OrderEvent | null;
  readonly source: StatusSource;
  readonly reason: string | null;
  readonly enrich: (view: StoredPayment["view"]) => StoredPayment["view"];
}

/** A provider or connector record as the rules library's event, or null for a status Riel does not know. */
function translate(type: string, value: unknown): Translated | null {
  switch (type) {
    case "riel.events.ProviderPreviewReceived": {
      const e = value as ProviderPreviewReceived;
      const status = mapStatus(e.orderStatus);
      if (status === "UNSUPPORTED" || status === "PARTIALLY_REFUNDED") return null;
      const amount = railsMoney(e.localAmount);
      return {
        event: { type: "STATUS", eventId: e.envelope.eventId, source: railsSource(e.source), at: e.envelope.occurredAt, status, amount: amount?.ok ? amount.value : null },
        source: e.source,
        reason: null,
        enrich: (view) => ({ ...view, providerOrderId: e.providerOrderId, collector: e.collector, localAmount: e.localAmount, userAmount: e.userAmount }),
      };
    }
    case "riel.events.ProviderStatusReceived": {
      const e = value as ProviderStatusReceived;
      const status = mapStatus(e.status);
      if (status === "UNSUPPORTED") return null;
      const base = { eventId: e.envelope.eventId, source: railsSource(e.source), at: e.envelope.occurredAt };
      const refund = railsMoney(e.amount);
      const isRefund = (status === "PARTIALLY_REFUNDED" || status === "REFUNDED") && refund?.ok;
      let event: OrderEvent | null;
      if (isRefund && refund.ok) event = { ...base, type: "REFUND", amount: refund.value };
      else if (status === "PARTIALLY_REFUNDED") event = null;
      else event = { ...base, type: "STATUS", status: status as ReportedStatus };
      if (!event) return null;
      return {
        event,
        source: e.source,
        reason: e.errorCode,
        enrich: (view) => ({ ...view, providerOrderId: view.providerOrderId ?? e.providerOrderId }),
      };
    }
    case "riel.events.PaymentRefused": {
      const e = value as PaymentRefused;
      return {
        event: { type: "STATUS", eventId: e.envelope.eventId, source: "COMMAND", at: e.envelope.occurredAt, status: e.retryable ? "FAILED" : "REJECTED" },
        source: "COMMAND",
        reason: `${e.stage}: ${e.code}: ${e.reason}`,
        enrich: (view) => view,
      };
    }
    default:
      return null;
  }
}

function statusChanged(stored: StoredPayment, entry: HistoryEntry, previous: string | null, cause: Envelope): OutgoingRecord {
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
  };
  return { topic: topics.paymentEvents.name, key: view.paymentId, type: "riel.events.PaymentStatusChanged", value };
}

/** For a record seen before: publish again the change it caused, in case the first publish was lost in a crash. */
function republish(stored: StoredPayment, eventId: string, cause: Envelope): OutgoingRecord[] {
  const index = stored.view.history.findIndex((h) => h.eventId === eventId);
  const entry = stored.view.history[index];
  if (!entry) return [];
  return [statusChanged(stored, entry, stored.view.history[index - 1]?.status ?? null, cause)];
}

export function createProjectorHandler(deps: ProjectorDeps): (record: IncomingRecord) => Promise<HandlerResult & { outcome: ProjectorOutcome }> {
  const save = async (stored: StoredPayment, version: number): Promise<void> => {
    const result = await writePayment(deps.projections, stored, version);
    if (result.kind === "CONFLICT") throw new ProjectionConflict(`payment ${stored.view.paymentId} moved to version ${result.current}`);
  };

  return async (record) => {
    if (record.type === "riel.commands.ConfirmPayment") return { outcome: "IGNORED" };
    const envelope = (record.value as { envelope: Envelope }).envelope;
    const found = await readPayment(deps.projections, envelope.paymentId);

    if (record.type === "riel.commands.InitiatePayment") {
      if (found) return { outcome: "DUPLICATE", publish: republish(found.payment, envelope.eventId, envelope) };
      const stored = initialView(record.value as InitiatePayment);
      await save(stored, 0);
      return { outcome: "CREATED", publish: republish(stored, envelope.eventId, envelope) };
    }

    if (!found) throw new PaymentNotYetProjected(`no projection of payment ${envelope.paymentId} yet`);
    const current = found.payment;
    if (current.applied.includes(envelope.eventId)) return { outcome: "DUPLICATE", publish: republish(current, envelope.eventId, envelope) };

    const translated = translate(record.type, record.value);
    if (!translated?.event) {
      deps.log("status not supported; payment left as it was", { paymentId: envelope.paymentId, type: record.type });
      return { outcome: record.type.startsWith("riel.events.") ? "UNSUPPORTED_STATUS" : "IGNORED" };
    }
    const machine = machineOf(current);
    const result = apply(machine, translated.event);
    const applied = [...current.applied, envelope.eventId];
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
        await save({ view: { ...view, updatedAt: envelope.occurredAt }, applied, machine: serialize(result.state) }, found.version);
        return { outcome: "RECORDED" };
      }
      case "APPLIED": {
        const status = result.state.status ?? current.view.status;
        const enriched = translated.enrich(current.view);
        const changed = status !== current.view.status;
        const entry: HistoryEntry = { status, source: translated.source, at: envelope.occurredAt, eventId: envelope.eventId, reason: translated.reason };
        const view = {
          ...enriched,
          status,
          final: result.state.status !== null && isFinalStatus(result.state.status),
          reason: translated.reason ?? enriched.reason,
          refundedAmount: result.state.refunded.minor > 0n ? { amount: formatAmount(result.state.refunded), currency: result.state.refunded.currency } : null,
          history: changed ? [...enriched.history, entry] : enriched.history,
          updatedAt: envelope.occurredAt,
        };
        const stored: StoredPayment = { view, applied, machine: serialize(result.state) };
        await save(stored, found.version);
        return { outcome: changed ? "CHANGED" : "RECORDED", publish: changed ? [statusChanged(stored, entry, current.view.status, envelope)] : [] };
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  };
}
export { PROJECTOR_GROUP, startStatusProjector } from "./service.js";
