import type { HandlerResult, IncomingRecord, OutgoingRecord } from "@riel/bus";
import type { Log, ProviderCall } from "@riel/runtime";
import type { StoredPayment } from "@riel/payments";
import { checkDecision, methodOf, readPayment, recheckCommand, reserveRefund, statusOf, writePayment } from "@riel/payments";
import type { Operation, OrderRef, ProviderPort, ProviderReport, StepResult } from "@riel/provider-port";
import { reportedRecord } from "@riel/provider-port";
import type { PaymentAction } from "@riel/rails";
import { allows, mayAllowLater } from "@riel/rails";
import type { ConfirmPayment, Envelope, InitiatePayment, Money, PaymentRefused, RefundPayment, RielTopics, SetPaymentAmount, StatusSource, SyncPayment } from "@riel/schemas";
import { deterministicId, envelopeFor, topics } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";

type CommandTopic = typeof topics.paymentCommands.name;
type Out = OutgoingRecord<RielTopics>;

export interface ConnectorDeps {
  readonly port: ProviderPort;
  readonly projections: ProjectionStore;
  /** This payment's callback URL at the webhook receiver. */
  readonly callbackUrl: (paymentId: string) => string;
  readonly log: Log;
  /** Test hook: called after a command is decoded and before the provider is called. */
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
  /** Told of every call to the provider, its outcome and its time, for metrics. */
  readonly providerCalled?: (call: ProviderCall) => void;
}

/** What the connector did with a command; the bus publishes `publish` and commits. */
export type ConnectorOutcome =
  | { readonly kind: "STEP_DONE"; readonly step: Operation }
  | { readonly kind: "REFUSED"; readonly stage: string; readonly code: string }
  | { readonly kind: "CONFLICT"; readonly step: Operation }
  | { readonly kind: "NOT_SUPPORTED"; readonly step: Operation }
  | { readonly kind: "NOT_ALLOWED"; readonly status: string; readonly action: PaymentAction | "SYNC" }
  | { readonly kind: "OTHER_PROVIDER"; readonly provider: string };

export type ConnectorResult = HandlerResult<RielTopics> & { readonly outcome: ConnectorOutcome };

const REFUND_ID = /^[\x21-\x7e]{1,100}$/;

/** Another writer moved the payment between our read and write: the bus retries from a fresh read. */
export class PaymentMoved extends Error {
  override readonly name = "PaymentMoved";
}

/** The payment is not where the command needs it yet (its preview is still on its way): the bus retries. */
export class PaymentNotReady extends Error {
  override readonly name = "PaymentNotReady";
}

function refused(cause: Envelope, stage: string, code: string, reason: string, retryable = false): Out {
  const value: PaymentRefused = {
    envelope: envelopeFor(cause.paymentId, cause, { eventId: deterministicId("refused", cause.eventId, stage, code) }),
    stage,
    code,
    reason,
    retryable,
  };
  return { topic: topics.providerEvents.name, key: cause.paymentId, type: "riel.events.PaymentRefused", value };
}

/**
 * Runs one provider port for the commands of the payments it serves: re-checks what upstream
 * may have published straight to Kafka, asks Riel's lifecycle whether the step is allowed, calls
 * the port, and turns its outcome into provider events. The order of a provider's steps and its
 * wire shapes live in the port; nothing here knows a provider.
 */
export function createConnectorHandler(deps: ConnectorDeps): (record: IncomingRecord<RielTopics[CommandTopic]>) => Promise<ConnectorResult> {
  const { port } = deps;

  /** Calls the provider and tells `providerCalled` how it ended (the answer's kind, or `error` for a fault) and how long it took. */
  async function call<R extends { readonly kind: string }>(operation: Operation, run: () => Promise<R>): Promise<R> {
    const started = performance.now();
    const called = (outcome: string): void => deps.providerCalled?.({ provider: port.name, operation, outcome, seconds: (performance.now() - started) / 1000 });
    try {
      const result = await run();
      called(result.kind.toLowerCase());
      return result;
    } catch (error) {
      called("error");
      throw error;
    }
  }

  const reported = (reports: readonly ProviderReport[], cause: Envelope, source: StatusSource): Out[] =>
    reports.map((r) => ({ topic: topics.providerEvents.name, key: cause.paymentId, ...reportedRecord(port.name, cause.paymentId, r, source, cause) }));

  const recordsOf = (result: StepResult, cause: Envelope, stage: string, step: Operation): ConnectorResult => {
    switch (result.kind) {
      case "OK":
        return { outcome: { kind: "STEP_DONE", step }, publish: reported(result.reports, cause, "PROVIDER_RESPONSE") };
      case "REFUSED":
        return { outcome: { kind: "REFUSED", stage, code: result.code }, publish: [refused(cause, stage, result.code, result.reason, result.retryable)] };
      case "CONFLICT":
        // The order moved on at the provider (decided, expired): its callbacks say where.
        deps.log("provider refused the step as a conflict", { paymentId: cause.paymentId, step });
        return { outcome: { kind: "CONFLICT", step } };
      case "NOT_SUPPORTED":
        if (step === "initiate") {
          return { outcome: { kind: "REFUSED", stage, code: "NOT_SUPPORTED" }, publish: [refused(cause, stage, "NOT_SUPPORTED", result.reason)] };
        }
        deps.log("step not supported by the provider", { paymentId: cause.paymentId, step });
        return { outcome: { kind: "NOT_SUPPORTED", step } };
      default: {
        const never: never = result;
        return never;
      }
    }
  };

  async function initiate(cmd: InitiatePayment): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const module = methodOf(cmd.method);
    if (module && module.provider !== port.name) return { outcome: { kind: "OTHER_PROVIDER", provider: module.provider } };
    const checked = recheckCommand(cmd);
    if (!checked.ok) {
      const reason = checked.errors.map((e) => `${e.field}: ${e.rule}`).join("; ");
      return { outcome: { kind: "REFUSED", stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND" }, publish: [refused(envelope, "COMMAND_VALIDATION", "INVALID_COMMAND", reason)] };
    }
    deps.beforeProviderCall?.("InitiatePayment", envelope.paymentId);
    const result = await call("initiate", () => port.initiate(cmd, deps.callbackUrl(envelope.paymentId)));
    deps.log("payment initiated at the provider", { paymentId: envelope.paymentId, outcome: result.kind });
    return recordsOf(result, envelope, "PREVIEW", "initiate");
  }

  /**
   * The payment as a later command needs it: served by this port, with a provider order, in a
   * status that takes `action`. A status that may still come to take it is retried; one that
   * never will is a value (a second confirm, or one redelivered after its effect).
   */
  async function orderFor(envelope: Envelope, action: PaymentAction): Promise<{ order: OrderRef; stored: StoredPayment; version: number } | ConnectorResult> {
    const found = await readPayment(deps.projections, envelope.paymentId);
    if (!found) throw new PaymentNotReady(`payment ${envelope.paymentId} is not projected yet`);
    const stored = found.payment;
    if (stored.view.provider !== port.name) return { outcome: { kind: "OTHER_PROVIDER", provider: stored.view.provider } };
    const status = statusOf(stored.view);
    const providerOrderId = stored.view.providerOrderId;
    if (!allows(status, action).ok || providerOrderId === null) {
      if (mayAllowLater(status, action)) throw new PaymentNotReady(`payment ${envelope.paymentId} is ${status}; ${action} waits for its preview`);
      deps.log("command not allowed in this status; provider not called", { paymentId: envelope.paymentId, status, action });
      return { outcome: { kind: "NOT_ALLOWED", status, action } };
    }
    return { order: { paymentId: envelope.paymentId, providerOrderId, callbackUrl: deps.callbackUrl(envelope.paymentId) }, stored, version: found.version };
  }

  async function setAmount(cmd: SetPaymentAmount): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const target = await orderFor(envelope, "SET_AMOUNT");
    if ("outcome" in target) return target;
    const module = methodOf(target.stored.view.method);
    const details = target.stored.details;
    const amount = module && details ? module.laterAmount(details, cmd.amount) : null;
    if (!amount?.ok) {
      // Published straight to Kafka past the ingress's checks: refused without touching the payment.
      const reason = amount ? amount.errors.map((e) => `${e.field}: ${e.rule}`).join("; ") : "the payment's method takes no amount";
      deps.log("amount refused", { paymentId: envelope.paymentId, reason });
      return { outcome: { kind: "NOT_ALLOWED", status: target.stored.view.status, action: "SET_AMOUNT" } };
    }
    deps.beforeProviderCall?.("SetPaymentAmount", envelope.paymentId);
    return recordsOf(await call("setAmount", () => port.setAmount(target.order, amount.value, envelope.eventId)), envelope, "AMOUNT", "setAmount");
  }

  async function confirm(cmd: ConfirmPayment): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const target = await orderFor(envelope, cmd.decision);
    if ("outcome" in target) return target;
    // The ingress checked the wallet; a command published straight to Kafka meets the same rule here.
    const walletErrors = checkDecision(target.stored, cmd.decision, cmd.walletId);
    if (walletErrors.length > 0) {
      deps.log("decision refused: wallet rule", { paymentId: envelope.paymentId, reason: walletErrors.map((e) => `${e.field}: ${e.rule}`).join("; ") });
      return { outcome: { kind: "NOT_ALLOWED", status: target.stored.view.status, action: cmd.decision } };
    }
    deps.beforeProviderCall?.("ConfirmPayment", envelope.paymentId);
    const result = await call("confirm", () => port.confirm(target.order, cmd.decision, cmd.walletId));
    deps.log("decision sent", { paymentId: envelope.paymentId, decision: cmd.decision, outcome: result.kind });
    return recordsOf(result, envelope, "PAY", "confirm");
  }

  /** A refund's end as a report on the refund alone: the payment stays as it was. */
  const refundEnd = (order: OrderRef, refundId: string, amount: Money, why: string): ProviderReport => ({
    providerOrderId: order.providerOrderId,
    status: "REJECTED",
    providerStatus: "REFUSED",
    amount: null,
    userAmount: null,
    refundAmount: amount,
    collector: null,
    reason: why,
    refundId,
    wallets: null,
    payerInstructions: null,
    fact: ["refund-refused", refundId],
  });

  /**
   * Holds the refund against what is left of the paid amount (the ingress did already; a command
   * straight from Kafka did not), then asks the provider. A refund already answered is not sent
   * again; one held but unanswered is, under the same idempotency key, so a crash repeats nothing.
   */
  async function refund(cmd: RefundPayment): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const target = await orderFor(envelope, "REFUND");
    if ("outcome" in target) return target;
    // The refund id goes into the provider's idempotency key: printable and short, or refused (commands straight from Kafka).
    if (!REFUND_ID.test(cmd.refundId)) {
      deps.log("refund refused: refundId must be 1 to 100 printable ASCII characters; provider not called", { paymentId: envelope.paymentId });
      return { outcome: { kind: "NOT_ALLOWED", status: target.stored.view.status, action: "REFUND" } };
    }
    const reservation = reserveRefund(target.stored, cmd.refundId, cmd.amount, envelope.occurredAt);
    let amount: Money;
    switch (reservation.kind) {
      case "NOT_ALLOWED":
      case "INVALID": {
        const reason = reservation.kind === "NOT_ALLOWED" ? reservation.reason : reservation.errors.map((e) => `${e.field}: ${e.rule}`).join("; ");
        deps.log("refund refused by Riel's rules; provider not called", { paymentId: envelope.paymentId, refundId: cmd.refundId, reason });
        return { outcome: { kind: "NOT_ALLOWED", status: target.stored.view.status, action: "REFUND" } };
      }
      case "EXISTS":
        if (reservation.refund.status !== "REQUESTED") return { outcome: { kind: "STEP_DONE", step: "refund" } };
        amount = reservation.refund.amount;
        break;
      case "RESERVED": {
        const written = await writePayment(deps.projections, reservation.stored, target.version);
        if (written.kind === "CONFLICT") throw new PaymentMoved(`payment ${envelope.paymentId} moved while its refund was held`);
        amount = reservation.refund.amount;
        break;
      }
      default: {
        const never: never = reservation;
        return never;
      }
    }
    deps.beforeProviderCall?.("RefundPayment", envelope.paymentId);
    const result = await call("refund", () => port.refund(target.order, amount, cmd.refundId));
    deps.log("refund sent", { paymentId: envelope.paymentId, refundId: cmd.refundId, outcome: result.kind });
    switch (result.kind) {
      case "OK":
        return { outcome: { kind: "STEP_DONE", step: "refund" }, publish: reported(result.reports, envelope, "PROVIDER_RESPONSE") };
      case "REFUSED":
      case "CONFLICT":
      case "NOT_SUPPORTED": {
        const why = result.kind === "REFUSED" ? `${result.code}: ${result.reason}` : result.reason;
        return { outcome: { kind: "REFUSED", stage: "REFUND", code: result.kind }, publish: reported([refundEnd(target.order, cmd.refundId, amount, why)], envelope, "PROVIDER_RESPONSE") };
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }

  /** Asks the provider where the payment is; the answer goes through the projector's state machine like a callback. */
  async function sync(cmd: SyncPayment): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const found = await readPayment(deps.projections, envelope.paymentId);
    if (!found) throw new PaymentNotReady(`payment ${envelope.paymentId} is not projected yet`);
    const { view } = found.payment;
    if (view.provider !== port.name) return { outcome: { kind: "OTHER_PROVIDER", provider: view.provider } };
    if (view.providerOrderId === null) {
      deps.log("sync asked before the provider order exists; nothing to ask", { paymentId: envelope.paymentId });
      return { outcome: { kind: "NOT_ALLOWED", status: view.status, action: "SYNC" } };
    }
    const order: OrderRef = { paymentId: envelope.paymentId, providerOrderId: view.providerOrderId, callbackUrl: deps.callbackUrl(envelope.paymentId) };
    const result = await call("queryStatus", () => port.queryStatus(order));
    deps.log("status asked", { paymentId: envelope.paymentId, outcome: result.kind });
    // Only an answer moves the payment: a provider that cannot find the order refuses nothing of Riel's.
    if (result.kind !== "OK") return { outcome: { kind: result.kind === "NOT_SUPPORTED" ? "NOT_SUPPORTED" : "CONFLICT", step: "queryStatus" } };
    return { outcome: { kind: "STEP_DONE", step: "queryStatus" }, publish: reported(result.reports, envelope, "STATUS_QUERY") };
  }

  return async (record) => {
    switch (record.type) {
      case "riel.commands.RefundPayment":
        return refund(record.value);
      case "riel.commands.SyncPayment":
        return sync(record.value);
      case "riel.commands.InitiatePayment":
        return initiate(record.value);
      case "riel.commands.SetPaymentAmount":
        return setAmount(record.value);
      case "riel.commands.ConfirmPayment":
        return confirm(record.value);
      default: {
        const never: never = record;
        return never;
      }
    }
  };
}
