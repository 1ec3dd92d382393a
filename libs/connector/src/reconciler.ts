import type { Bus } from "@riel/bus";
import type { PaymentView } from "@riel/payments";
import { readPayment, recheckCommand, statusOf } from "@riel/payments";
import type { OrderRef, ProviderPort } from "@riel/provider-port";
import { ProviderUnavailable, reportedRecord } from "@riel/provider-port";
import type { PaymentStatus } from "@riel/rails";
import type { Log } from "@riel/runtime";
import type { InitiatePayment, PaymentNeedsAttention, RielTopics } from "@riel/schemas";
import { deterministicId, envelopeFor, topics } from "@riel/schemas";
import type { DueStore, ProjectionStore } from "@riel/store";

export interface ReconcilerDeps {
  readonly port: ProviderPort;
  readonly bus: Bus<RielTopics>;
  readonly projections: ProjectionStore;
  readonly due: DueStore;
  readonly log: Log;
  /** How long a payment may stay in a status before its provider is asked (libs/rails `checkAfterMs`, scaled). */
  readonly checkAfter: (status: PaymentStatus) => number | null;
  readonly callbackUrl: (paymentId: string) => string;
  readonly now?: () => number;
  /** Ids taken per round. */
  readonly batch?: number;
  /** How long a taken id is hidden from other instances while it is checked. */
  readonly leaseMs?: number;
  /** The longest wait between two checks of one payment. */
  readonly maxBackoffMs?: number;
  /**
   * How long a payment may stay in one status (for a pay-in, past the payer's expiry) before
   * reconciliation stops asking and raises it as needing attention. Default 2 hours.
   */
  readonly attentionAfterMs?: number;
}

export type CheckOutcome = "ASKED" | "NO_ORDER_YET" | "REPREVIEWED" | "PROVIDER_UNAVAILABLE" | "NOT_ANSWERED" | "DONE" | "NOT_OURS" | "ATTENTION";

export const DEFAULT_ATTENTION_AFTER_MS = 2 * 60 * 60_000;

/**
 * Reconciliation, run by each connector for its own provider: payments that are not final are
 * due for a check (the projector schedules one whenever a payment enters a status, the webhook
 * receiver at once when a callback cannot be authenticated). When one is due, the provider is
 * asked through the port's status query and the answer is published like a callback, with
 * source STATUS_QUERY, so the same state machine applies it. The next check backs off with the
 * time the payment has waited. The due index lives in Redis (one sorted set per provider), so
 * nothing scans every payment, and a taken id is leased so that of several instances one checks it.
 */
export function createReconciler(deps: ReconcilerDeps): { round(): Promise<Map<string, CheckOutcome>> } {
  const now = deps.now ?? Date.now;
  const batch = deps.batch ?? 50;
  const leaseMs = deps.leaseMs ?? 30_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 60 * 60_000;
  const attentionAfterMs = deps.attentionAfterMs ?? DEFAULT_ATTENTION_AFTER_MS;
  const queue = deps.port.name;

  /** Stops asking and tells people: the projector marks the view and publishes it on the public topic. */
  async function raiseAttention(view: PaymentView, status: PaymentStatus, since: string, checks: number, why: string): Promise<CheckOutcome> {
    const { paymentId } = view;
    const value: PaymentNeedsAttention = {
      // One per payment, status and entry into it: a repeat after a crash is dropped as a duplicate.
      envelope: envelopeFor(paymentId, null, { eventId: deterministicId("needs-attention", paymentId, status, since), now: new Date(now()) }),
      provider: deps.port.name,
      status,
      since,
      checks,
      reason: `${status} since ${since}; ${why}`,
      method: view.method,
      externalReference: view.externalReference,
    };
    await deps.bus.publish(topics.providerEvents.name, paymentId, { type: "riel.events.PaymentNeedsAttention", value });
    await deps.due.cancel(queue, paymentId);
    deps.log("reconciliation gave up; payment needs attention", { paymentId, status, checks });
    return "ATTENTION";
  }

  async function check(paymentId: string): Promise<CheckOutcome> {
    const found = await readPayment(deps.projections, paymentId);
    if (!found || found.payment.view.provider !== deps.port.name) {
      await deps.due.cancel(queue, paymentId);
      return "NOT_OURS";
    }
    const { view } = found.payment;
    const status = statusOf(view);
    const base = deps.checkAfter(status);
    if (base === null || !deps.port.capabilities.features.includes("STATUS_QUERY")) {
      await deps.due.cancel(queue, paymentId);
      return "DONE";
    }
    if (view.attention !== null && view.attention.status === status) {
      // Raised already (a repeat after a crash): nothing more to ask until the payment moves.
      await deps.due.cancel(queue, paymentId);
      return "ATTENTION";
    }
    const since = [...view.history].reverse().find((h) => h.status === status)?.at ?? view.updatedAt;
    // A pay-in waits for its payer until the expiry, so the limit counts from there.
    const expiry = view.payerInstructions?.expiresAt ? Date.parse(view.payerInstructions.expiresAt) : Number.NaN;
    const giveUpAt = Math.max(Date.parse(since), Number.isNaN(expiry) ? 0 : expiry) + attentionAfterMs;
    const pastLimit = now() >= giveUpAt;
    const checks = await deps.due.countCheck(queue, paymentId, status);
    // Backs off with the time the payment has waited since it last moved: quick at first, then at most maxBackoffMs apart.
    const waited = Math.max(0, now() - Date.parse(view.updatedAt));
    const next = now() + Math.min(maxBackoffMs, Math.max(base, waited / 2));
    if (view.providerOrderId === null) {
      if (pastLimit) return raiseAttention(view, status, since, checks, "no provider order was ever made for it");
      const { initiate } = found.payment;
      if (status === "RECEIVED" && initiate !== undefined && deps.port.capabilities.features.includes("REPREVIEW")) {
        const command = JSON.parse(initiate) as InitiatePayment;
        // Checked again like any command from Kafka: one that breaks the rules was refused, and asking anew would send it to the provider.
        const checked = recheckCommand(command);
        if (!checked.ok) return raiseAttention(view, status, since, checks, `its InitiatePayment breaks Riel's rules (${checked.errors.map((e) => `${e.field}: ${e.rule}`).join("; ")}); the provider was not asked`);
        return repreview(paymentId, command, checks + 1, next, base);
      }
      await deps.due.schedule(queue, paymentId, next);
      deps.log("check due, but the provider order does not exist yet", { paymentId, status });
      return "NO_ORDER_YET";
    }
    const order: OrderRef = { paymentId, providerOrderId: view.providerOrderId, callbackUrl: deps.callbackUrl(paymentId) };
    try {
      const result = await deps.port.queryStatus(order);
      if (result.kind === "OK") {
        for (const report of result.reports) {
          await deps.bus.publish(topics.providerEvents.name, paymentId, reportedRecord(deps.port.name, paymentId, report, "STATUS_QUERY", null));
        }
      }
      // Past the limit, an answer that moves the payment still wins: the projector applies it and schedules anew.
      const moved = result.kind === "OK" && result.reports.some((r) => r.status !== status);
      if (pastLimit && !moved) {
        const said = result.kind === "OK" ? `the provider still says ${result.reports.map((r) => r.providerStatus).join(", ") || "nothing"}` : "the provider does not answer for it";
        return raiseAttention(view, status, since, checks, `asked ${checks} times; ${said}`);
      }
      await deps.due.schedule(queue, paymentId, next);
      deps.log("provider asked where the payment is", { paymentId, status, outcome: result.kind });
      return result.kind === "OK" ? "ASKED" : "NOT_ANSWERED";
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      if (pastLimit) return raiseAttention(view, status, since, checks, `asked ${checks} times; the provider is unavailable`);
      await deps.due.schedule(queue, paymentId, now() + base);
      return "PROVIDER_UNAVAILABLE";
    }
  }

  /**
   * The preview's callback, the only carrier of the order id, never came: ask for a new preview
   * (a new order; no money moves before a pay names one). Whichever order's callback comes first
   * becomes the payment's; the projector ignores the others' reports.
   */
  async function repreview(paymentId: string, command: InitiatePayment, attempt: number, next: number, base: number): Promise<CheckOutcome> {
    try {
      const result = await deps.port.initiate(command, deps.callbackUrl(paymentId), attempt);
      if (result.kind === "OK") {
        for (const report of result.reports) {
          await deps.bus.publish(topics.providerEvents.name, paymentId, reportedRecord(deps.port.name, paymentId, report, "PROVIDER_RESPONSE", null));
        }
      }
      await deps.due.schedule(queue, paymentId, next);
      deps.log("no preview callback came; a new preview asked for", { paymentId, attempt, outcome: result.kind });
      return "REPREVIEWED";
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      await deps.due.schedule(queue, paymentId, now() + base);
      return "PROVIDER_UNAVAILABLE";
    }
  }

  return {
    async round() {
      const outcomes = new Map<string, CheckOutcome>();
      for (const paymentId of await deps.due.takeDue(queue, now(), batch, leaseMs)) {
        try {
          outcomes.set(paymentId, await check(paymentId));
        } catch (error) {
          // The lease brings it back; one bad payment does not stop the others.
          deps.log("check failed; retried after its lease", { paymentId, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return outcomes;
    },
  };
}

/** Runs rounds every `pollMs` until stopped; a round never overlaps the next. */
export function runReconciler(reconciler: { round(): Promise<unknown> }, pollMs: number, log: Log): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = (): void => {
    if (stopped) return;
    running = reconciler
      .round()
      .catch((error: unknown) => log("reconciliation round failed", { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  timer = setTimeout(loop, pollMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
