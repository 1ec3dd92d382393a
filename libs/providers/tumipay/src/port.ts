import type { Capabilities, ProviderPort, StepResult } from "@riel/provider-port";
import { notSupported, ProviderUnavailable } from "@riel/provider-port";
import type { TumipayClientOptions } from "./client.js";
import { createTumipayClient } from "./client.js";
import { exceedsLimit, interpretLookup, interpretPayin, payinDetails, payinRequest, paths } from "./transformers.js";

export const TUMIPAY = "tumipay";

export const tumipayCapabilities: Capabilities = {
  methods: ["PERU_PAYIN"],
  countries: ["PE"],
  features: ["PAYER_ACTS", "STATUS_QUERY"],
};

/** TumiPay's documented QR limit for Peru (S/ 500), unless the merchant's configuration says otherwise. */
export const DEFAULT_QR_LIMIT = "500.00";

/**
 * How a create answered HTTP 200 with code "00" (QR generation failed, gap 10) is retried inside
 * the step: a few quick attempts, doubling the wait, then ProviderUnavailable so the bus retries
 * the command later. Every attempt is the same body under the same reference.
 */
export interface QrRetryPolicy {
  readonly attempts: number;
  readonly firstBackoffMs: number;
}

export const DEFAULT_QR_RETRY: QrRetryPolicy = { attempts: 3, firstBackoffMs: 200 };

export interface TumipayPortOptions extends TumipayClientOptions {
  /** The QR limit in PEN, as a decimal string; a QR pay-in above it is refused before calling. Default "500.00". */
  readonly qrLimit?: string;
  readonly qrRetry?: QrRetryPolicy;
  /** The clock of the payer's expiry (payerInstructions.expiresAt). */
  readonly now?: () => Date;
  /** Waits between QR retries; tests pass a fake one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** TumiPay as a provider port: pay-ins the payer completes at TumiPay, told back by IPN. */
export function createTumipayPort(options: TumipayPortOptions): ProviderPort {
  const client = createTumipayClient(options);
  const qrLimit = options.qrLimit ?? DEFAULT_QR_LIMIT;
  const retry = options.qrRetry ?? DEFAULT_QR_RETRY;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;

  return {
    name: TUMIPAY,
    capabilities: tumipayCapabilities,
    async initiate(command, callbackUrl): Promise<StepResult> {
      const details = payinDetails(command);
      const body = payinRequest(command, callbackUrl);
      if (details === null || body === null || command.amount === null) {
        return notSupported("initiate", `TumiPay does not serve ${command.method} with these details`);
      }
      if (details.channel === "QR" && exceedsLimit(command.amount, qrLimit)) {
        return {
          kind: "REFUSED",
          code: "QR_AMOUNT_LIMIT_EXCEEDED",
          reason: `a QR pay-in takes at most S/ ${qrLimit}; this one is S/ ${command.amount.amount} (TumiPay's QR limit for Peru)`,
          retryable: false,
        };
      }
      let last = "";
      for (let attempt = 1; attempt <= retry.attempts; attempt++) {
        if (attempt > 1) await sleep(retry.firstBackoffMs * 2 ** (attempt - 2));
        const outcome = interpretPayin(await client.post(paths.payin, body), { command, now: now() });
        if (outcome.kind !== "RETRY") return outcome;
        last = outcome.reason;
      }
      throw new ProviderUnavailable(`TumiPay could not create the pay-in after ${retry.attempts} attempts (${last})`);
    },
    setAmount: async () => notSupported("setAmount", "a TumiPay pay-in's amount is fixed when it is created"),
    confirm: async () => notSupported("confirm", "the payer completes a TumiPay pay-in at TumiPay: there is nothing to confirm"),
    refund: async () => notSupported("refund", "TumiPay's documents give no refund of a pay-in"),
    async queryStatus(order) {
      return interpretLookup(await client.get(paths.transaction(order.providerOrderId)));
    },
    close: () => client.close(),
  };
}
