import type { Log } from "@riel/runtime";
import type { WebhookStore } from "@riel/store";
import { readEndpoints, wants } from "./endpoints.js";
import type { PaymentEventRecord } from "./messages.js";
import { deliveryId, messageOf, newDelivery } from "./messages.js";

export interface FanoutOptions {
  readonly store: WebhookStore;
  readonly log: Log;
  readonly now?: () => Date;
  /** Told when deliveries were added (the dispatcher wakes). */
  readonly enqueued?: (count: number) => void;
}

/**
 * The handler of Riel's public topic: one delivery per event and endpoint that wants it, stored
 * before the handler returns, so the offset is committed only once every delivery is durable. A
 * record read again (a restart before the commit) makes the same delivery ids: nothing is added.
 * Records of one payment come in order, so its deliveries join their lanes in order.
 */
export function createFanout(options: FanoutOptions): (record: PaymentEventRecord) => Promise<{ readonly enqueued: number }> {
  const now = options.now ?? (() => new Date());
  return async (record) => {
    const message = messageOf(record);
    const endpoints = await readEndpoints(options.store);
    const at = now();
    let enqueued = 0;
    for (const endpoint of endpoints) {
      if (!wants(endpoint, message.type, message.occurredAt)) continue;
      const item = { id: deliveryId(endpoint.id, message.id), endpointId: endpoint.id, lane: message.paymentId, record: JSON.stringify(newDelivery(message, at)) };
      if (await options.store.enqueue(item, at.getTime())) enqueued++;
    }
    if (enqueued > 0) options.enqueued?.(enqueued);
    return { enqueued };
  };
}
