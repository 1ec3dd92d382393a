import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeQr } from "./emv-qr/index.js";
import { BENCH_QR_PAYLOADS, runRailsBench } from "./bench.js";

describe("runRailsBench", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reports key validations and QR decodes per second", async () => {
    const results = await runRailsBench({ durationMs: 20 });
    expect(results.map((r) => r.name)).toEqual([
      expect.stringContaining("validateKey"),
      expect.stringContaining("detectKey"),
      expect.stringContaining("decodeQr, 8 codes"),
    ]);
    for (const r of results) expect(r.opsPerSec).toBeGreaterThan(0);
  });

  it("runs each measurement for about a second by default and divides by the time taken", async () => {
    // A clock that jumps 250 ms per read: each measurement makes 4 rounds of 50 passes in one "second".
    let now = 0;
    vi.spyOn(performance, "now").mockImplementation(() => (now += 250));
    const results = await runRailsBench();
    expect(results.map((r) => r.opsPerSec)).toEqual([15 * 50 * 4, 15 * 50 * 4, BENCH_QR_PAYLOADS.length * 50 * 4]);
  });

  it("decodes only valid codes, so it measures the success path", () => {
    for (const payload of BENCH_QR_PAYLOADS) expect(decodeQr(payload).ok).toBe(true);
  });
});
