import type { StoredPayment } from "@riel/payments";
import type { ProjectionStore } from "@riel/store";
import { readListed } from "../payment-list.js";

/** How many of the newest payments the overview reads. */
export const OVERVIEW_SCAN = 1_000;
/** Upper bounds (ms) of the latency chart's bars; the last bar takes the rest. */
export const LATENCY_BUCKETS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000] as const;
/** A payment not final this long after its last change is listed as waiting for reconciliation. */
export const WAITING_AFTER_MS = 60_000;

export interface Overview {
  /** Payments read, the newest first. */
  readonly scanned: number;
  /** Per method, how many payments are in each status now. */
  readonly funnel: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** From creation to COMPLETED, of the completed payments read. */
  readonly latency: { readonly count: number; readonly p50Ms: number | null; readonly p90Ms: number | null; readonly buckets: ReadonlyArray<{ readonly le: number | null; readonly count: number }> };
  /** Payments reconciliation gave up on. */
  readonly attention: ReadonlyArray<{ readonly paymentId: string; readonly method: string; readonly status: string; readonly since: string; readonly checks: number; readonly reason: string }>;
  /** Payments not final whose last change is older than WAITING_AFTER_MS: reconciliation asks their providers. */
  readonly waiting: ReadonlyArray<{ readonly paymentId: string; readonly method: string; readonly status: string; readonly updatedAt: string }>;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** Time from creation to the first COMPLETED in the payment's history, or null. */
export function completedAfterMs(payment: StoredPayment): number | null {
  const done = payment.view.history.find((h) => h.status === "COMPLETED");
  if (!done) return null;
  const ms = Date.parse(done.at) - Date.parse(payment.view.createdAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function overviewOf(payments: readonly StoredPayment[], nowMs: number): Overview {
  const funnel: Record<string, Record<string, number>> = {};
  const latencies: number[] = [];
  const attention: Array<Overview["attention"][number]> = [];
  const waiting: Array<Overview["waiting"][number]> = [];
  for (const { view, ...rest } of payments) {
    const byStatus = (funnel[view.method] ??= {});
    byStatus[view.status] = (byStatus[view.status] ?? 0) + 1;
    const ms = completedAfterMs({ view, ...rest });
    if (ms !== null) latencies.push(ms);
    if (view.attention) attention.push({ paymentId: view.paymentId, method: view.method, status: view.status, since: view.attention.since, checks: view.attention.checks, reason: view.attention.reason });
    else if (!view.final && nowMs - Date.parse(view.updatedAt) > WAITING_AFTER_MS) waiting.push({ paymentId: view.paymentId, method: view.method, status: view.status, updatedAt: view.updatedAt });
  }
  latencies.sort((a, b) => a - b);
  const buckets = [...LATENCY_BUCKETS_MS, null].map((le, i) => {
    const above = i === 0 ? -1 : (LATENCY_BUCKETS_MS[i - 1] ?? -1);
    return { le, count: latencies.filter((ms) => ms > above && (le === null || ms <= le)).length };
  });
  return {
    scanned: payments.length,
    funnel,
    latency: { count: latencies.length, p50Ms: percentile(latencies, 50), p90Ms: percentile(latencies, 90), buckets },
    attention: attention.slice(0, 50),
    waiting: waiting.slice(0, 50),
  };
}

/** The newest payments, read for the overview. */
export async function newestPayments(projections: ProjectionStore, limit = OVERVIEW_SCAN): Promise<StoredPayment[]> {
  const listed = await projections.list({ limit });
  const read = await readListed(projections, listed);
  return read.filter((p): p is StoredPayment => p !== null);
}
