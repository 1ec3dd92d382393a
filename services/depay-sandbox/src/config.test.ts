import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("reads the variables and applies defaults", () => {
    const result = loadConfig({ DEPAY_SANDBOX_PORT: "4010", DEPAY_SANDBOX_TOKEN: "tok" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({ port: 4010, host: "127.0.0.1", callbackDelayMs: 20, previewTtlMs: 300_000, callbackSigningSecret: undefined });
    expect(result.config.token.reveal()).toBe("tok");
  });

  it("accepts 0 for the callback delay (answering at once)", () => {
    const result = loadConfig({ DEPAY_SANDBOX_PORT: "0", DEPAY_SANDBOX_TOKEN: "tok", DEPAY_SANDBOX_CALLBACK_DELAY_MS: "0" });
    expect(result.ok && result.config.callbackDelayMs).toBe(0);
  });

  it("reads the preview time to live, from 1 ms to one day", () => {
    const base = { DEPAY_SANDBOX_PORT: "0", DEPAY_SANDBOX_TOKEN: "tok" };
    const result = loadConfig({ ...base, DEPAY_SANDBOX_PREVIEW_TTL_MS: "1500" });
    expect(result.ok && result.config.previewTtlMs).toBe(1500);
    for (const bad of ["0", "86400001", "5m"]) {
      expect(loadConfig({ ...base, DEPAY_SANDBOX_PREVIEW_TTL_MS: bad })).toEqual({
        ok: false,
        errors: ["DEPAY_SANDBOX_PREVIEW_TTL_MS must be an integer from 1 to 86400000"],
      });
    }
  });

  it("names each missing or bad variable and its rule", () => {
    expect(loadConfig({})).toEqual({ ok: false, errors: ["DEPAY_SANDBOX_PORT is required", "DEPAY_SANDBOX_TOKEN is required"] });
    expect(
      loadConfig({ DEPAY_SANDBOX_PORT: "70000", DEPAY_SANDBOX_TOKEN: "a b", DEPAY_SANDBOX_CALLBACK_DELAY_MS: "-5" }),
    ).toEqual({
      ok: false,
      errors: [
        "DEPAY_SANDBOX_PORT must be an integer from 0 to 65535",
        "DEPAY_SANDBOX_TOKEN must be a non-empty string without whitespace",
        "DEPAY_SANDBOX_CALLBACK_DELAY_MS must be an integer from 0 to 600000",
      ],
    });
  });

  it("masks the token when printed", () => {
    const result = loadConfig({ DEPAY_SANDBOX_PORT: "1", DEPAY_SANDBOX_TOKEN: "very-secret" });
    if (!result.ok) throw new Error("expected a config");
    expect(JSON.stringify(result.config)).not.toContain("very-secret");
    expect(inspect(result.config)).not.toContain("very-secret");
    expect(String(result.config.token)).toBe("****");
  });
});
