import { describe, expect, it } from "vitest";
import { CallStats } from "./call-stats.js";

const ENDPOINTS = {
  create: { method: "POST", path: "/things" },
  read: { method: "GET", path: "/things/:id" },
} as const;

describe("CallStats", () => {
  it("counts per endpoint and per stream, and reports zeros for what was never called", () => {
    const stats = new CallStats(ENDPOINTS);
    stats.count("create", "requests", "t-1");
    stats.count("create", "effects", "t-1");
    stats.count("create", "requests");
    stats.count("create", "replays", "t-2");
    expect(stats.totals()).toEqual({
      create: { method: "POST", path: "/things", requests: 2, effects: 1, replays: 1, idempotencyConflicts: 0 },
      read: { method: "GET", path: "/things/:id", requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
    });
    expect(stats.forStream("t-1", ["create", "read"])).toEqual({
      create: { requests: 1, effects: 1, replays: 0, idempotencyConflicts: 0 },
      read: { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 },
    });
    expect(stats.forStream("unknown", ["read"])).toEqual({ read: { requests: 0, effects: 0, replays: 0, idempotencyConflicts: 0 } });
  });

  it("hands out copies, so a report cannot change the counts", () => {
    const stats = new CallStats(ENDPOINTS);
    stats.count("read", "requests", "t-1");
    const report = stats.forStream("t-1", ["read"]);
    if (report.read !== undefined) report.read.requests = 99;
    expect(stats.forStream("t-1", ["read"]).read?.requests).toBe(1);
  });
});
