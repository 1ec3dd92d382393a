import type { HandlerResult, IncomingRecord, OutgoingRecord } from "@riel/bus";
import type { DepayClient, StepOutcome } from "@riel/depay";
import {
  callbackUrl,
  idempotencyKeys,
  interpretPay,
  interpretPreview,
  interpretValidation,
  paths,
  toPayRequest,
  toPreviewRequest,
  toValidateRequest,
} from "@riel/depay";
import type { Log } from "@riel/runtime";
import { deterministicId, envelopeFor, parsePixPayment, readPayment } from "@riel/runtime";
import type { ConfirmPayment, Envelope, InitiatePayment, PaymentRefused, ProviderStatusReceived } from "@riel/schemas";
import { topics } from "@riel/schemas";
import type { ProjectionStore } from "@riel/store";

export interface ConnectorDeps {
  readonly depay: DepayClient;
  readonly projections: ProjectionStore;
  readonly webhookBaseUrl: string;
  readonly webhookSecret: () => string;
  readonly log: Log;
  /** Test hook: called after a command is decoded and before the provider is called. */
  readonly beforeProviderCall?: (command: string, paymentId: string) => void;
}

/** What the connector did with a command; the bus publishes `publish` and commits. */
export type ConnectorOutcome =
  | { readonly kind: "PREVIEW_REQUESTED" }
  | { readonly kind: "REFUSED"; readonly stage: string; readonly code: string }
  | { readonly kind: "PAY_SENT"; readonly decision: "ACCEPT" | "REJECT" }
  | { readonly kind: "ALREADY_DECIDED"; readonly status: string }
  | { readonly kind: "IGNORED"; readonly type: string };

/** The preview has not reached the projection yet: a retry later will find it. */
export class PreviewNotYetKnown extends Error {
  override readonly name = "PreviewNotYetKnown";
}

const refused = (cause: Envelope, stage: string, code: string, reason: string, retryable = false): OutgoingRecord => {
  const value: PaymentRefused = {
    envelope: envelopeFor(cause.paymentId, cause, { eventId: deterministicId("refused", cause.eventId, stage, code) }),
    stage,
    code,
    reason,
    retryable,
  };
  return { topic: topics.providerEvents.name, key: cause.paymentId, type: "riel.events.PaymentRefused", value };
};

function refusalOf(outcome: StepOutcome, cause: Envelope, stage: string): OutgoingRecord | null {
  switch (outcome.kind) {
    case "OK":
      return null;
    case "REFUSED":
      return refused(cause, stage, outcome.code, outcome.reason);
    case "CONFLICT":
      return refused(cause, stage, "PROVIDER_CONFLICT", outcome.reason);
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

/**
 * Commands published straight to Kafka bypass the ingress, so the rules are checked again
 * here: a bad command is refused (and the payment told), never sent to the provider.
 */
function recheck(cmd: InitiatePayment): string | null {
  const { method, payeeKey, amount, payer, externalReference } = cmd;
  const parsed = parsePixPayment({ method, payeeKey, amount, payer, externalReference });
  if (!parsed.ok) return parsed.errors.map((e) => `${e.field}: ${e.rule}`).join("; ");
  if (parsed.value.payeeKey !== payeeKey || parsed.value.amount.amount !== amount.amount) return "payeeKey and amount must be in canonical form";
  return null;
}

export function createConnectorHandler(deps: ConnectorDeps): (record: IncomingRecord) => Promise<HandlerResult & { outcome: ConnectorOutcome }> {
  const notify = (paymentId: string): string => callbackUrl(deps.webhookBaseUrl, paymentId, deps.webhookSecret());

  async function initiate(cmd: InitiatePayment): Promise<HandlerResult & { outcome: ConnectorOutcome }> {
    const { envelope } = cmd;
    const problem = recheck(cmd);
    if (problem) {
      return { outcome: { kind: "REFUSED", stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND" }, publish: [refused(envelope, "COMMAND_VALIDATION", "INVALID_COMMAND", problem)] };
    }
    deps.beforeProviderCall?.("InitiatePayment", envelope.paymentId);
    const validation = interpretValidation(await deps.depay.post(paths.validateKey, toValidateRequest(cmd), idempotencyKeys.validate(envelope.paymentId)));
    const validationRefusal = refusalOf(validation, envelope, "KEY_VALIDATION");
    if (validationRefusal) {
      return { outcome: { kind: "REFUSED", stage: "KEY_VALIDATION", code: validation.kind === "REFUSED" ? validation.code : "PROVIDER_CONFLICT" }, publish: [validationRefusal] };
    }
    const preview = interpretPreview(
      await deps.depay.post(paths.previewKey, toPreviewRequest(cmd, notify(envelope.paymentId)), idempotencyKeys.preview(envelope.paymentId)),
    );
    const previewRefusal = refusalOf(preview, envelope, "PREVIEW");
    if (previewRefusal) {
      return { outcome: { kind: "REFUSED", stage: "PREVIEW", code: preview.kind === "REFUSED" ? preview.code : "PROVIDER_CONFLICT" }, publish: [previewRefusal] };
    }
    deps.log("preview requested", { paymentId: envelope.paymentId });
    return { outcome: { kind: "PREVIEW_REQUESTED" } };
  }

  async function confirm(cmd: ConfirmPayment): Promise<HandlerResult & { outcome: ConnectorOutcome }> {
    const { envelope } = cmd;
    const found = await readPayment(deps.projections, envelope.paymentId);
    const orderId = found?.payment.view.providerOrderId;
    if (!found || !orderId) throw new PreviewNotYetKnown(`payment ${envelope.paymentId} has no provider order yet`);
    const status = found.payment.view.status;
    if (status !== "CREATED") {
      // Decided already (a second confirm, or this one redelivered after its effect): the provider is not called again.
      deps.log("confirm ignored", { paymentId: envelope.paymentId, status });
      return { outcome: { kind: "ALREADY_DECIDED", status } };
    }
    deps.beforeProviderCall?.("ConfirmPayment", envelope.paymentId);
    const res = await deps.depay.post(paths.pay, toPayRequest(orderId, cmd.decision, notify(envelope.paymentId)), idempotencyKeys.pay(envelope.paymentId));
    const outcome = interpretPay(res);
    const payRefusal = refusalOf(outcome, envelope, "PAY");
    if (outcome.kind === "CONFLICT") {
      // The order is no longer payable at Depay: it has moved on, and its callbacks will say where.
      return { outcome: { kind: "ALREADY_DECIDED", status: "UNKNOWN" } };
    }
    if (payRefusal) return { outcome: { kind: "REFUSED", stage: "PAY", code: outcome.kind === "REFUSED" ? outcome.code : "?" }, publish: [payRefusal] };
    const publish: OutgoingRecord[] = [];
    if (cmd.decision === "ACCEPT" && outcome.kind === "OK" && outcome.status) {
      const value: ProviderStatusReceived = {
        envelope: envelopeFor(envelope.paymentId, envelope, { eventId: deterministicId("pay-response", envelope.paymentId, outcome.status) }),
        provider: "depay",
        providerOrderId: orderId,
        status: outcome.status,
        errorCode: null,
        paymentDate: null,
        amount: null,
        source: "PROVIDER_RESPONSE",
      };
      publish.push({ topic: topics.providerEvents.name, key: envelope.paymentId, type: "riel.events.ProviderStatusReceived", value });
    }
    deps.log("pay sent", { paymentId: envelope.paymentId, decision: cmd.decision });
    return { outcome: { kind: "PAY_SENT", decision: cmd.decision }, publish };
  }

  return async (record) => {
    switch (record.type) {
      case "riel.commands.InitiatePayment":
        return initiate(record.value as InitiatePayment);
      case "riel.commands.ConfirmPayment":
        return confirm(record.value as ConfirmPayment);
      default:
        return { outcome: { kind: "IGNORED", type: record.type } };
    }
  };
}
export { CONNECTOR_GROUP, startDepayConnector } from "./service.js";
export type { ConnectorOptions } from "./service.js";
