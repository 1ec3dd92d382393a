// kafkajs 2.2.4 as Riel installs it, with patches/kafkajs@2.2.4.patch: a connection's request
// queue with nothing waiting schedules nothing. Unpatched it scheduled a check at once, and each
// check the next: a 1 ms timer loop per broker connection, about 55 ms of CPU a second per idle
// consumer (kafkajs issues 1556 and 1704).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}
type QueueClass = new (options: Record<string, unknown>) => Queue;

const require = createRequire(import.meta.url);
const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as QueueClass;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const queue = (): Queue =>
  new RequestQueue({ instrumentationEmitter: null, maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: "t", broker: "b:9092", logger: { namespace: () => quiet } });

describe("kafkajs request queue (patched)", () => {
  it("schedules no check while nothing is pending", () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it("still schedules one for a request that waits on a throttle", () => {
    const q = queue();
    q.throttledUntil = Date.now() + 60_000;
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    q.destroy();
  });
});
