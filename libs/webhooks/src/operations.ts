import type { WebhookItem, WebhookStore } from "@riel/store";
import type { EndpointInfo, EndpointRecord, EndpointRequest } from "./endpoints.js";
import { endpointInfo, newEndpoint, parseEndpoint, readEndpoints } from "./endpoints.js";
import type { DeliveryRecord } from "./messages.js";
import { parseDelivery } from "./messages.js";

/** A delivery as shown (API, dashboard, CLI): everything but the body. */
export type DeliveryInfo = Omit<DeliveryRecord, "body"> & { readonly id: string; readonly endpointId: string };

const info = (item: WebhookItem, record: DeliveryRecord): DeliveryInfo => {
  const { body: _body, ...rest } = record;
  return { id: item.id, endpointId: item.endpointId, ...rest };
};

/** Endpoint management and the delivery log, for the API, the dashboard and the CLI: one place that reads and writes the store's records. */
export function webhookAdmin(store: WebhookStore) {
  return {
    /** The new endpoint with its secret: the only time it is shown. */
    async create(request: EndpointRequest, now: Date): Promise<EndpointRecord> {
      const record = newEndpoint(request, now);
      await store.putEndpoint(record.id, JSON.stringify(record));
      return record;
    },
    async list(): Promise<EndpointInfo[]> {
      return (await readEndpoints(store))
        .map(endpointInfo)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    },
    async get(id: string): Promise<EndpointInfo | null> {
      const raw = await store.getEndpoint(id);
      const record = raw === null ? null : parseEndpoint(raw);
      return record === null ? null : endpointInfo(record);
    },
    /** False when there is no such endpoint. */
    delete: (id: string): Promise<boolean> => store.deleteEndpoint(id),
    async deliveries(endpointId: string, query: { readonly limit: number; readonly beforeMs?: number }): Promise<DeliveryInfo[]> {
      return (await store.deliveries(endpointId, query)).flatMap((item) => {
        const record = parseDelivery(item.record);
        return record ? [info(item, record)] : [];
      });
    },
    waiting: (endpointId: string): Promise<number> => store.waiting(endpointId),
    async delivery(id: string): Promise<DeliveryInfo | null> {
      const item = await store.getDelivery(id);
      const record = item === null ? null : parseDelivery(item.record);
      return item === null || record === null ? null : info(item, record);
    },
    /**
     * Sends a settled delivery again, the same message (same `webhook-id`, so the merchant can tell
     * the repeat), after whatever else waits in its lane, with a fresh day of retries.
     */
    async redeliver(id: string, now: Date): Promise<{ readonly kind: "REQUEUED"; readonly delivery: DeliveryInfo } | { readonly kind: "NOT_FOUND" } | { readonly kind: "WAITING"; readonly delivery: DeliveryInfo }> {
      const item = await store.getDelivery(id);
      const record = item === null ? null : parseDelivery(item.record);
      if (item === null || record === null) return { kind: "NOT_FOUND" };
      if ((await store.getEndpoint(item.endpointId)) === null) return { kind: "NOT_FOUND" };
      if (record.status === "PENDING") return { kind: "WAITING", delivery: info(item, record) };
      const at = now.toISOString();
      const next: DeliveryRecord = { ...record, status: "PENDING", attempts: 0, since: at, nextAttemptAt: at, doneAt: null };
      const requeued = await store.requeue({ ...item, record: JSON.stringify(next) }, now.getTime());
      return requeued ? { kind: "REQUEUED", delivery: info(item, next) } : { kind: "WAITING", delivery: info(item, record) };
    },
  };
}
export type WebhookAdmin = ReturnType<typeof webhookAdmin>;
