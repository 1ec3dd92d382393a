import { NO_FAULTS } from "@riel/sandbox-kit";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

const base = { TUMIPAY_SANDBOX_PORT: "4020", TUMIPAY_SANDBOX_TOKEN_TOP: "tok", TUMIPAY_SANDBOX_BASIC: Buffer.from("merchant:pass").toString("base64") };

describe("TUMIPAY_SANDBOX_FAULTS", () => {
  it("is optional: no faults", () => {
    const result = loadConfig(base);
    expect(result.ok && result.config.faults).toBeUndefined();
  });

  it("reads the profile from a JSON object", () => {
    const result = loadConfig({ ...base, TUMIPAY_SANDBOX_FAULTS: '{"error5xx":"0.1","dropCallback":0.05,"timeoutHoldMs":3000,"seed":42}' });
    expect(result.ok && result.config.faults).toEqual({ ...NO_FAULTS, error5xx: 0.1, dropCallback: 0.05, timeoutHoldMs: 3_000, seed: 42 });
  });

  it("names the variable for bad JSON, and the variable and field for a bad field", () => {
    expect(loadConfig({ ...base, TUMIPAY_SANDBOX_FAULTS: "" })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^TUMIPAY_SANDBOX_FAULTS must be a JSON object \(/)],
    });
    expect(loadConfig({ ...base, TUMIPAY_SANDBOX_FAULTS: "[0.1]" })).toEqual({ ok: false, errors: ["TUMIPAY_SANDBOX_FAULTS must be a JSON object"] });
    expect(loadConfig({ ...base, TUMIPAY_SANDBOX_FAULTS: '{"maxDelayMs":"soon"}' })).toEqual({
      ok: false,
      errors: ["TUMIPAY_SANDBOX_FAULTS.maxDelayMs must be an integer number of milliseconds from 0 to 600000"],
    });
  });
});
