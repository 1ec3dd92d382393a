import { NO_FAULTS } from "@riel/sandbox-kit";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

const base = { DEPAY_SANDBOX_PORT: "4010", DEPAY_SANDBOX_TOKEN: "tok" };

describe("DEPAY_SANDBOX_FAULTS", () => {
  it("is optional: no faults", () => {
    const result = loadConfig(base);
    expect(result.ok && result.config.faults).toBeUndefined();
  });

  it("reads the profile from a JSON object, decimals as numbers or strings", () => {
    const result = loadConfig({
      ...base,
      DEPAY_SANDBOX_FAULTS:
        '{"error5xx":0.1,"timeout":"0.05","duplicateCallback":0.1,"reorderCallback":0.1,"dropCallback":0.05,"delayCallback":0.1,"maxDelayMs":3000,"seed":42}',
    });
    expect(result.ok && result.config.faults).toEqual({
      ...NO_FAULTS,
      error5xx: 0.1,
      timeout: 0.05,
      duplicateCallback: 0.1,
      reorderCallback: 0.1,
      dropCallback: 0.05,
      delayCallback: 0.1,
      maxDelayMs: 3_000,
      seed: 42,
    });
  });

  it("names the variable for bad JSON, and the variable and field for a bad field", () => {
    const badJson = loadConfig({ ...base, DEPAY_SANDBOX_FAULTS: "error5xx=0.1" });
    expect(badJson).toEqual({ ok: false, errors: [expect.stringMatching(/^DEPAY_SANDBOX_FAULTS must be a JSON object \(/)] });
    expect(loadConfig({ ...base, DEPAY_SANDBOX_FAULTS: '{"timeout":1.5,"seed":"x","dropped":1}' })).toEqual({
      ok: false,
      errors: [
        "DEPAY_SANDBOX_FAULTS.dropped is not a fault profile field (known: error5xx, timeout, duplicateCallback, reorderCallback, delayCallback, dropCallback, maxDelayMs, timeoutHoldMs, latencyMs, seed)",
        'DEPAY_SANDBOX_FAULTS.timeout must be a probability from 0 to 1 (a number or a decimal string such as "0.05")',
        "DEPAY_SANDBOX_FAULTS.seed must be an integer from 0 to 4294967295",
      ],
    });
  });
});
