import type { Infra, Log } from "@riel/runtime";
import { serveOperations } from "@riel/runtime";
import { topics } from "@riel/schemas";
import type { Sender, WebhookRetryPolicy } from "@riel/webhooks";
import { createFanout, httpSender, startDispatcher } from "@riel/webhooks";

export const MERCHANT_WEBHOOKS_GROUP = "riel.merchant-webhooks";

export interface MerchantWebhooksOptions {
  readonly log: Log;
  /** Where to answer /healthz, /readyz and /metrics (port 0 picks a free one); none when absent. */
  readonly operations?: { readonly port: number; readonly host?: string };
  /** Backoff between attempts and when to give up; a day of exponential backoff by default. */
  readonly retry?: Partial<WebhookRetryPolicy>;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly perEndpoint?: number;
  /** How deliveries are posted; undici by default (tests may give their own). */
  readonly send?: Sender;
}

export interface RunningMerchantWebhooks {
  readonly operationsUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Signed webhooks to merchants: the fan-out reads Riel's public topic (its own consumer group) and
 * stores one delivery per event and endpoint before committing; the dispatcher sends what is stored.
 * Several instances share both: the group splits the topic, the store's leases split the lanes.
 */
export async function startMerchantWebhooks(infra: Infra, options: MerchantWebhooksOptions): Promise<RunningMerchantWebhooks> {
  const owned = options.send ? null : httpSender();
  const send = options.send ?? (owned as Sender);
  const store = infra.store.webhooks;
  const dispatcher = startDispatcher({
    store,
    send,
    log: options.log,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    perEndpoint: options.perEndpoint,
    attempted: (attempt) => infra.metrics.webhookAttempt(attempt),
  });
  const fanout = createFanout({ store, log: options.log, enqueued: () => dispatcher.wake() });
  const subscription = await infra.bus.subscribe({
    group: MERCHANT_WEBHOOKS_GROUP,
    topics: [topics.paymentEvents.name],
    concurrency: infra.concurrency,
    handler: async (record) => {
      await fanout(record);
    },
  });
  const operations = options.operations ? await serveOperations(infra, options.operations) : null;
  return {
    operationsUrl: operations?.url ?? null,
    async stop() {
      await subscription.stop();
      await dispatcher.stop();
      await owned?.close();
      await operations?.stop();
    },
  };
}
