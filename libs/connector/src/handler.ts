import type { HandlerResult, IncomingRecord, OutgoingRecord } from "@riel/bus";
import type { Log } from "@riel/runtime";
import type { StoredPayment } from "@riel/payments";
import { methodOf, readPayment, recheckCommand, statusOf } from "@riel/payments";
import type { Operation, OrderRef, ProviderPort, StepResult } from "@riel/provider-port";
import { reportedRecord } from "@riel/provider-port";
import type { PaymentAction } from "@riel/rails";
import { allows, mayAllowLater } from "@riel/rails";
import type { ConfirmPayment, Envelope, InitiatePayment, PaymentRefused, RielTopics, SetPaymentAmount } from "@riel/schemas";
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
}

/** What the connector did with a command; the bus publishes `publish` and commits. */
export type ConnectorOutcome =
  | { readonly kind: "STEP_DONE"; readonly step: Operation }
  | { readonly kind: "REFUSED"; readonly stage: string; readonly code: string }
  | { readonly kind: "CONFLICT"; readonly step: Operation }
  | { readonly kind: "NOT_SUPPORTED"; readonly step: Operation }
  | { readonly kind: "NOT_ALLOWED"; readonly status: string; readonly action: PaymentAction }
  | { readonly kind: "OTHER_PROVIDER"; readonly provider: string };

export type ConnectorResult = HandlerResult<RielTopics> & { readonly outcome: ConnectorOutcome };

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

  const recordsOf = (result: StepResult, cause: Envelope, stage: string, step: Operation): ConnectorResult => {
    switch (result.kind) {
      case "OK":
        return {
          outcome: { kind: "STEP_DONE", step },
          publish: result.reports.map((r) => ({
            topic: topics.providerEvents.name,
            key: cause.paymentId,
            ...reportedRecord(port.name, cause.paymentId, r, "PROVIDER_RESPONSE", cause),
          })),
        };
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
    const result = await port.initiate(cmd, deps.callbackUrl(envelope.paymentId));
    deps.log("payment initiated at the provider", { paymentId: envelope.paymentId, outcome: result.kind });
    return recordsOf(result, envelope, "PREVIEW", "initiate");
  }

  /**
   * The payment as a later command needs it: served by this port, with a provider order, in a
   * status that takes `action`. A status that may still come to take it is retried; one that
   * never will is a value (a second confirm, or one redelivered after its effect).
   */
  async function orderFor(envelope: Envelope, action: PaymentAction): Promise<{ order: OrderRef; stored: StoredPayment } | ConnectorResult> {
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
    return { order: { paymentId: envelope.paymentId, providerOrderId, callbackUrl: deps.callbackUrl(envelope.paymentId) }, stored };
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
    return recordsOf(await port.setAmount(target.order, amount.value, envelope.eventId), envelope, "AMOUNT", "setAmount");
  }

  async function confirm(cmd: ConfirmPayment): Promise<ConnectorResult> {
    const { envelope } = cmd;
    const target = await orderFor(envelope, cmd.decision);
    if ("outcome" in target) return target;
    deps.beforeProviderCall?.("ConfirmPayment", envelope.paymentId);
    const result = await port.confirm(target.order, cmd.decision);
    deps.log("decision sent", { paymentId: envelope.paymentId, decision: cmd.decision, outcome: result.kind });
    return recordsOf(result, envelope, "PAY", "confirm");
  }

  return async (record) => {
    switch (record.type) {
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
