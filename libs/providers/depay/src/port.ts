import type { Capabilities, OrderRef, ProviderPort, StepResult } from "@riel/provider-port";
import { notSupported } from "@riel/provider-port";
import type { DepayClientOptions } from "./client.js";
import { createDepayClient } from "./client.js";
import {
  idempotencyKeys,
  initiateCalls,
  interpretAmount,
  interpretPay,
  interpretPreview,
  interpretRefund,
  interpretStatus,
  interpretValidation,
  paths,
  toAmountRequest,
  toPayRequest,
  toRefundRequest,
} from "./transformers.js";

export const DEPAY = "depay";

export const depayCapabilities: Capabilities = {
  methods: ["PIX_KEY", "EMV_QR", "PERU_KEY", "BREB_KEY"],
  countries: ["AR", "BR", "CL", "CO", "MX", "PE"],
  features: ["CONFIRM", "OPEN_AMOUNT", "PROCESS_LATER", "PREVIEW_EXPIRY", "REFUND", "PARTIAL_REFUND", "STATUS_QUERY", "REPREVIEW"],
};

/** Depay as a provider port: the order of its steps per method, and its answers as Riel's outcomes. */
export function createDepayPort(options: DepayClientOptions): ProviderPort {
  const client = createDepayClient(options);
  return {
    name: DEPAY,
    capabilities: depayCapabilities,
    async initiate(command, callbackUrl, attempt = 1): Promise<StepResult> {
      const calls = initiateCalls(command, callbackUrl, attempt);
      if (calls === null) return notSupported("initiate", `Depay does not serve ${command.method} with these details`);
      for (const call of calls) {
        const res = await client.post(call.path, call.body, call.idempotencyKey);
        const result = call.stage === "KEY_VALIDATION" ? interpretValidation(res) : interpretPreview(res);
        if (result.kind !== "OK") return result.kind === "REFUSED" ? { ...result, reason: `${call.stage}: ${result.reason}` } : result;
      }
      return { kind: "OK", reports: [] };
    },
    async setAmount(order: OrderRef, amount, requestId): Promise<StepResult> {
      return interpretAmount(await client.put(paths.previewQr, toAmountRequest(order.providerOrderId, amount), idempotencyKeys.amount(order.paymentId, requestId)));
    },
    async confirm(order, decision, walletId) {
      const res = await client.post(paths.pay, toPayRequest(order.providerOrderId, decision, order.callbackUrl, walletId), idempotencyKeys.pay(order.paymentId));
      return interpretPay(res, order.providerOrderId, decision);
    },
    // The documents give refund statuses and callbacks but no path or body (gap 1): Riel's choice is in transformers.
    async refund(order, amount, refundId) {
      const res = await client.post(paths.refund(order.providerOrderId), toRefundRequest(amount), idempotencyKeys.refund(order.paymentId, refundId));
      return interpretRefund(res, order.providerOrderId, amount, refundId);
    },
    async queryStatus(order) {
      return interpretStatus(await client.get(paths.status(order.providerOrderId)));
    },
    close: () => client.close(),
  };
}
