import type { Envelope, ProviderReported, StatusSource } from "@riel/schemas";
import { deterministicId, envelopeFor } from "@riel/schemas";
import type { ProviderReport } from "./port.js";

/**
 * A report as the record the provider-events topic carries. Its id follows from provider,
 * payment, source and the report's fact, so a repeated callback or a re-run step is a duplicate.
 */
export function reportedRecord(
  provider: string,
  paymentId: string,
  report: ProviderReport,
  source: StatusSource,
  cause: Envelope | null,
): { readonly type: "riel.events.ProviderReported"; readonly value: ProviderReported } {
  return {
    type: "riel.events.ProviderReported",
    value: {
      envelope: envelopeFor(paymentId, cause, { eventId: deterministicId(provider, paymentId, source, ...report.fact) }),
      provider,
      providerOrderId: report.providerOrderId,
      status: report.status,
      providerStatus: report.providerStatus,
      refundAmount: report.refundAmount,
      amount: report.amount,
      userAmount: report.userAmount,
      collector: report.collector,
      reason: report.reason,
      refundId: report.refundId,
      wallets: report.wallets === null ? null : [...report.wallets],
      payerInstructions: report.payerInstructions,
      source,
    },
  };
}

/** A report with every optional part empty but what `r` says: the one place that lists them. */
export function providerReport(r: Partial<ProviderReport> & Pick<ProviderReport, "status" | "providerStatus" | "fact">): ProviderReport {
  return {
    providerOrderId: null,
    amount: null,
    userAmount: null,
    refundAmount: null,
    collector: null,
    reason: null,
    refundId: null,
    wallets: null,
    payerInstructions: null,
    ...r,
  };
}
