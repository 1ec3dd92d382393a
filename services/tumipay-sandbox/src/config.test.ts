import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

const BASIC = Buffer.from("merchant:pass").toString("base64");
const base = { TUMIPAY_SANDBOX_PORT: "4020", TUMIPAY_SANDBOX_TOKEN_TOP: "tok", TUMIPAY_SANDBOX_BASIC: BASIC };

describe("loadConfig", () => {
  it("reads the variables and applies defaults", () => {
    const result = loadConfig(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({ port: 4020, host: "127.0.0.1", callbackDelayMs: 20, publicUrl: undefined });
    expect(result.config.tokenTop.reveal()).toBe("tok");
    expect(result.config.basic.reveal()).toBe(BASIC);
  });

  it("reads the optional variables", () => {
    const result = loadConfig({
      ...base,
      TUMIPAY_SANDBOX_HOST: "0.0.0.0",
      TUMIPAY_SANDBOX_CALLBACK_DELAY_MS: "0",
      TUMIPAY_SANDBOX_PUBLIC_URL: "https://pay.example/tumipay",
    });
    expect(result.ok && result.config).toMatchObject({ host: "0.0.0.0", callbackDelayMs: 0, publicUrl: "https://pay.example/tumipay" });
  });

  it("names each missing or bad variable and its rule", () => {
    expect(loadConfig({})).toEqual({
      ok: false,
      errors: ["TUMIPAY_SANDBOX_PORT is required", "TUMIPAY_SANDBOX_TOKEN_TOP is required", "TUMIPAY_SANDBOX_BASIC is required"],
    });
    expect(
      loadConfig({
        TUMIPAY_SANDBOX_PORT: "70000",
        TUMIPAY_SANDBOX_TOKEN_TOP: "a b",
        TUMIPAY_SANDBOX_BASIC: "merchant:pass",
        TUMIPAY_SANDBOX_CALLBACK_DELAY_MS: "-5",
        TUMIPAY_SANDBOX_PUBLIC_URL: "pay.example",
      }),
    ).toEqual({
      ok: false,
      errors: [
        "TUMIPAY_SANDBOX_PORT must be an integer from 0 to 65535",
        "TUMIPAY_SANDBOX_TOKEN_TOP must be a non-empty string without whitespace",
        "TUMIPAY_SANDBOX_BASIC must be the base64 of user:password (e.g. `printf 'user:pass' | base64`)",
        "TUMIPAY_SANDBOX_CALLBACK_DELAY_MS must be an integer from 0 to 600000",
        "TUMIPAY_SANDBOX_PUBLIC_URL must be an absolute http(s) URL",
      ],
    });
  });

  it("refuses base64 that does not hold user:password", () => {
    const result = loadConfig({ ...base, TUMIPAY_SANDBOX_BASIC: Buffer.from("nocolon").toString("base64") });
    expect(result.ok).toBe(false);
  });

  it("masks the credentials when printed", () => {
    const result = loadConfig({ ...base, TUMIPAY_SANDBOX_TOKEN_TOP: "very-secret" });
    if (!result.ok) throw new Error("expected a config");
    for (const printed of [JSON.stringify(result.config), inspect(result.config)]) {
      expect(printed).not.toContain("very-secret");
      expect(printed).not.toContain(BASIC);
    }
  });
});
