import type { Redis } from "ioredis";
import type { WebhookItem, WebhookStore } from "../types.js";
import { WEBHOOK_LOG_MAX, WEBHOOK_RECORD_TTL_MS } from "../webhook-limits.js";
import { createRedisRecords } from "./records.js";

// KEYS: delivery hash, lane list, endpoint's due lanes, endpoint's log. A lane is in the due set
// exactly while it holds deliveries; its first delivery is the one that goes out.
const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[2], 'l', ARGV[3], 'r', ARGV[4], 't', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
local n = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if n == 1 then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3]) end
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[7]) + 1))
return 1`;

// KEYS: the endpoint's due lanes. ARGV: now, limit, lease, its lanes' key prefix, deliveries' key
// prefix. Reads each lane's head in the same step (one round trip however many lanes are due), so
// its keys are built here: Riel's Redis is one instance (a cluster would need them hash-tagged).
const TAKE_DUE = `
local lanes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, lane in ipairs(lanes) do
  local id = redis.call('LINDEX', ARGV[4] .. lane, 0)
  local record = id and redis.call('HGET', ARGV[5] .. id, 'r')
  if record then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), lane)
    table.insert(out, lane)
    table.insert(out, id)
    table.insert(out, record)
  else
    redis.call('ZREM', KEYS[1], lane)
  end
end
return out`;

// KEYS: delivery hash, lane list, endpoint's due lanes. ARGV: id, record, lane, DONE|RETRY, due at, ttl.
const SETTLE = `
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[4] == 'DONE' then
  redis.call('LPOP', KEYS[2])
  if redis.call('LLEN', KEYS[2]) > 0 then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3]) else redis.call('ZREM', KEYS[3], ARGV[3]) end
else
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
end
return 1`;

// KEYS: delivery hash, lane list, endpoint's due lanes. ARGV: id, record, lane, now, ttl.
const REQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('LPOS', KEYS[2], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local n = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
if n == 1 then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return 1`;

/**
 * Webhook endpoints and deliveries in Redis under `prefix`: `wh:endpoints` (hash), `wh:d:<id>`
 * (each delivery, lapsing WEBHOOK_RECORD_TTL_MS after its last change), `wh:lane:<endpoint>:<lane>`
 * (list of delivery ids), `wh:due:<endpoint>` (sorted set of lanes by when their head is due),
 * `wh:log:<endpoint>` (sorted set of delivery ids by when enqueued, the newest WEBHOOK_LOG_MAX kept).
 */
export function createRedisWebhooks(redis: Redis, prefix: string): WebhookStore {
  const endpoints = createRedisRecords(redis, `${prefix}wh:endpoints`);
  const delivery = (id: string): string => `${prefix}wh:d:${id}`;
  const laneKey = (endpointId: string, lane: string): string => `${prefix}wh:lane:${endpointId}:${lane}`;
  const dueKey = (endpointId: string): string => `${prefix}wh:due:${endpointId}`;
  const logKey = (endpointId: string): string => `${prefix}wh:log:${endpointId}`;
  const read = async (id: string): Promise<WebhookItem | null> => {
    const [endpointId, lane, record] = await redis.hmget(delivery(id), "e", "l", "r");
    return endpointId == null || lane == null || record == null ? null : { id, endpointId, lane, record };
  };
  const ttl = String(WEBHOOK_RECORD_TTL_MS);
  return {
    putEndpoint: endpoints.put,
    getEndpoint: endpoints.get,
    listEndpoints: endpoints.list,
    async deleteEndpoint(id) {
      const removed = await endpoints.remove(id);
      await redis.del(dueKey(id));
      return removed;
    },
    async enqueue(item, atMs) {
      const keys = [delivery(item.id), laneKey(item.endpointId, item.lane), dueKey(item.endpointId), logKey(item.endpointId)];
      return (await redis.eval(ENQUEUE, keys.length, ...keys, item.id, item.endpointId, item.lane, item.record, String(atMs), ttl, String(WEBHOOK_LOG_MAX))) === 1;
    },
    async takeDue(endpointId, nowMs, limit, leaseMs) {
      const flat = (await redis.eval(TAKE_DUE, 1, dueKey(endpointId), String(nowMs), String(limit), String(leaseMs), laneKey(endpointId, ""), delivery(""))) as string[];
      const heads: WebhookItem[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) heads.push({ endpointId, lane: flat[i] as string, id: flat[i + 1] as string, record: flat[i + 2] as string });
      return heads;
    },
    async settle(item, outcome, nowMs) {
      const keys = [delivery(item.id), laneKey(item.endpointId, item.lane), dueKey(item.endpointId)];
      const at = outcome.kind === "DONE" ? nowMs : outcome.atMs;
      return (await redis.eval(SETTLE, keys.length, ...keys, item.id, item.record, item.lane, outcome.kind, String(at), ttl)) === 1;
    },
    async requeue(item, nowMs) {
      const keys = [delivery(item.id), laneKey(item.endpointId, item.lane), dueKey(item.endpointId)];
      return (await redis.eval(REQUEUE, keys.length, ...keys, item.id, item.record, item.lane, String(nowMs), ttl)) === 1;
    },
    getDelivery: read,
    async deliveries(endpointId, query) {
      const max = query.beforeMs === undefined ? "+inf" : `(${query.beforeMs}`;
      const ids = await redis.zrevrangebyscore(logKey(endpointId), max, "-inf", "LIMIT", 0, query.limit);
      const items = await Promise.all(ids.map(read));
      return items.filter((i): i is WebhookItem => i !== null);
    },
    async waiting(endpointId) {
      return redis.zcard(dueKey(endpointId));
    },
  };
}
