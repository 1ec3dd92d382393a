import type { IncomingRecord } from "@riel/bus";
import { PermanentError } from "@riel/bus";
import { readPayment, reserveRefund, writePayment } from "@riel/payments";
import { checkAfterMs, isPaymentStatus } from "@riel/rails";
import type { Log } from "@riel/runtime";
import type { RielTopics } from "@riel/schemas";
import { topics } from "@riel/schemas";
import type { Store } from "@riel/store";
import { createProjectorHandler, PaymentNotYetProjected } from "./app.js";

type Projected = RielTopics[typeof topics.paymentCommands.name] | RielTopics[typeof topics.providerEvents.name];

/** A record of the commands or provider-events topic, decoded, with where and when it was written. */
export type RebuildRecord = IncomingRecord<Projected> & { readonly timestamp: number };

export interface RebuildOptions {
  readonly store: Store;
  readonly log: Log;
  /** Told after each payment: how many are done of how many. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The reconciliation delays' factor, as the projector's RECONCILE_SCALE. */
  readonly reconcileScale?: number;
  /** Payments rebuilt at once (each payment's records one after another). */
  readonly concurrency?: number;
}

export interface RebuildReport {
  readonly payments: number;
  readonly records: number;
  /** Records no projection can come of: events of payments whose command is not on the topic, commands that break a rule. */
  readonly skipped: number;
}

const paymentOf = (r: RebuildRecord): string => r.value.envelope.paymentId;
/** A payment's records in the order they were written; its InitiatePayment first, which every other record presumes. */
const rank = (r: RebuildRecord): number => (r.type === "riel.commands.InitiatePayment" ? 0 : 1);

/**
 * A payment's records in the order the projector met them: each topic's in its own order (its
 * offsets: a payment's records share a partition), the two topics merged by when each record
 * was written (producers' clocks differ, so time never reorders records of one topic), its
 * InitiatePayment first.
 */
export function inOrder(list: readonly RebuildRecord[]): RebuildRecord[] {
  const commands = list.filter((r) => r.topic === topics.paymentCommands.name).sort((a, b) => rank(a) - rank(b) || a.offset - b.offset);
  const events = list.filter((r) => r.topic !== topics.paymentCommands.name).sort((a, b) => a.offset - b.offset);
  const out: RebuildRecord[] = [];
  let c = 0;
  let e = 0;
  while (c < commands.length || e < events.length) {
    const command = commands[c];
    const event = events[e];
    if (command && (!event || rank(command) === 0 || command.timestamp <= event.timestamp)) {
      out.push(command);
      c++;
    } else if (event) {
      out.push(event);
      e++;
    }
  }
  return out;
}

/**
 * Every payment's projection (view, applied events, order state) and its due check, from the
 * commands and provider-events topics, as the projector made them: the projector's own handler
 * applies each payment's records in the order they were written, with nothing published, and
 * refunds are held as the ingress or connector held them. What is already in the store is
 * taken as it is: a record applied before is a duplicate, so running it twice changes nothing.
 */
export async function rebuildProjections(records: readonly RebuildRecord[], options: RebuildOptions): Promise<RebuildReport> {
  const { store } = options;
  const handle = createProjectorHandler({
    projections: store.projections,
    log: () => {},
    async scheduleCheck(view) {
      const after = isPaymentStatus(view.status) ? checkAfterMs(view.status, options.reconcileScale) : null;
      if (after === null) await store.due.cancel(view.provider, view.paymentId);
      else await store.due.schedule(view.provider, view.paymentId, Date.now() + after);
    },
  });
  const byPayment = new Map<string, RebuildRecord[]>();
  for (const r of records) byPayment.set(paymentOf(r), [...(byPayment.get(paymentOf(r)) ?? []), r]);
  const payments = [...byPayment.values()];
  let done = 0;
  let skipped = 0;

  async function holdRefund(r: RebuildRecord & { type: "riel.commands.RefundPayment" }): Promise<void> {
    const found = await readPayment(store.projections, paymentOf(r));
    if (!found) throw new PaymentNotYetProjected(`no projection of payment ${paymentOf(r)}`);
    const held = reserveRefund(found.payment, r.value.refundId, r.value.amount, r.value.envelope.occurredAt);
    if (held.kind !== "RESERVED") return;
    const written = await writePayment(store.projections, held.stored, found.version);
    if (written.kind === "CONFLICT") throw new Error(`payment ${paymentOf(r)} moved while its refund was held again: is the projector running?`);
  }

  async function rebuild(list: RebuildRecord[]): Promise<void> {
    for (const r of inOrder(list)) {
      try {
        if (r.type === "riel.commands.RefundPayment") await holdRefund(r);
        else await handle(r);
      } catch (error) {
        if (!(error instanceof PaymentNotYetProjected || error instanceof PermanentError)) throw error;
        skipped++;
      }
    }
  }

  const queue = [...payments];
  const worker = async (): Promise<void> => {
    for (let list = queue.shift(); list; list = queue.shift()) {
      await rebuild(list);
      options.onProgress?.(++done, payments.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));
  options.log("projections rebuilt", { payments: payments.length, records: records.length, skipped });
  return { payments: payments.length, records: records.length, skipped };
}
