import type { WebhookItem, WebhookStore } from "../types.js";
import { WEBHOOK_LOG_MAX } from "../webhook-limits.js";
import { createMemoryRecords } from "./records.js";

interface Stored extends WebhookItem {
  readonly enqueuedAt: number;
}

/** Webhook endpoints and deliveries in this process (embedded mode, unit tests); the Redis store's twin. */
export function createMemoryWebhooks(): WebhookStore {
  const endpoints = createMemoryRecords();
  const records = new Map<string, Stored>();
  /** Per endpoint: lane → delivery ids in order. */
  const lanes = new Map<string, Map<string, string[]>>();
  /** Per endpoint: lane → when its head is due. */
  const due = new Map<string, Map<string, number>>();
  /** Per endpoint: delivery ids in the order enqueued. */
  const logs = new Map<string, string[]>();
  const of = <V>(map: Map<string, Map<string, V>>, endpointId: string): Map<string, V> => {
    let m = map.get(endpointId);
    if (!m) map.set(endpointId, (m = new Map()));
    return m;
  };
  const item = (s: Stored): WebhookItem => ({ id: s.id, endpointId: s.endpointId, lane: s.lane, record: s.record });
  const waitingIn = (s: WebhookItem): boolean => of(lanes, s.endpointId).get(s.lane)?.includes(s.id) ?? false;
  const push = (s: WebhookItem, atMs: number): void => {
    const ids = of(lanes, s.endpointId).get(s.lane) ?? [];
    ids.push(s.id);
    of(lanes, s.endpointId).set(s.lane, ids);
    if (ids.length === 1) of(due, s.endpointId).set(s.lane, atMs);
  };
  return {
    putEndpoint: endpoints.put,
    getEndpoint: endpoints.get,
    listEndpoints: endpoints.list,
    async deleteEndpoint(id) {
      due.delete(id);
      lanes.delete(id);
      return endpoints.remove(id);
    },
    async enqueue(next, atMs) {
      if (records.has(next.id)) return false;
      records.set(next.id, { ...item({ ...next, enqueuedAt: atMs }), enqueuedAt: atMs });
      push(next, atMs);
      const log = logs.get(next.endpointId) ?? [];
      log.push(next.id);
      logs.set(next.endpointId, log);
      // The oldest leave the log; a record still waiting in its lane stays until it goes out.
      for (const old of log.splice(0, Math.max(0, log.length - WEBHOOK_LOG_MAX))) {
        const s = records.get(old);
        if (s && !waitingIn(s)) records.delete(old);
      }
      return true;
    },
    async takeDue(endpointId, nowMs, limit, leaseMs) {
      const d = of(due, endpointId);
      const taken = [...d.entries()]
        .filter(([, at]) => at <= nowMs)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([lane]) => lane);
      // As in Redis: a lane whose head is gone leaves the due set instead of being leased for ever.
      return taken.flatMap((lane) => {
        const head = of(lanes, endpointId).get(lane)?.[0];
        const s = head === undefined ? undefined : records.get(head);
        if (!s) {
          d.delete(lane);
          return [];
        }
        d.set(lane, nowMs + leaseMs);
        return [item(s)];
      });
    },
    async settle(next, outcome, nowMs) {
      const ids = of(lanes, next.endpointId).get(next.lane);
      const s = records.get(next.id);
      if (!ids || ids[0] !== next.id || !s) return false;
      records.set(next.id, { ...s, record: next.record });
      if (outcome.kind === "RETRY") {
        of(due, next.endpointId).set(next.lane, outcome.atMs);
        return true;
      }
      ids.shift();
      if (ids.length > 0) of(due, next.endpointId).set(next.lane, nowMs);
      else {
        of(due, next.endpointId).delete(next.lane);
        of(lanes, next.endpointId).delete(next.lane);
      }
      return true;
    },
    async requeue(next, nowMs) {
      const s = records.get(next.id);
      if (!s || waitingIn(s)) return false;
      records.set(next.id, { ...s, record: next.record });
      push(s, nowMs);
      return true;
    },
    async getDelivery(id) {
      const s = records.get(id);
      return s ? item(s) : null;
    },
    async deliveries(endpointId, query) {
      return (logs.get(endpointId) ?? [])
        .map((id) => records.get(id))
        .filter((s): s is Stored => s !== undefined && (query.beforeMs === undefined || s.enqueuedAt < query.beforeMs))
        // Newest first; ties by id, descending, as Redis orders a sorted set's equal scores.
        .sort((a, b) => b.enqueuedAt - a.enqueuedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, query.limit)
        .map(item);
    },
    async waiting(endpointId) {
      return of(due, endpointId).size;
    },
  };
}
