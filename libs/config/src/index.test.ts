import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig, Secret, secretSource, vars, webhookKeys, webhookSecretVars } from "./index.js";

const schema = z.object({
  KAFKA_BROKERS: vars.kafkaBrokers,
  REDIS_URL: vars.redisUrl,
  HTTP_PORT: vars.port(8080),
  WEBHOOK_SECRET: vars.secret("signs callback URLs"),
});

describe("loadConfig", () => {
  it("parses and fills defaults", () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: "127.0.0.1:9092, 127.0.0.2:9092",
      REDIS_URL: "redis://127.0.0.1:6379",
      WEBHOOK_SECRET: "0123456789abcdef",
    });
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:9092", "127.0.0.2:9092"]);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.WEBHOOK_SECRET.reveal()).toBe("0123456789abcdef");
  });

  it("names every missing or bad variable and its rule at once", () => {
    let error: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: "not a broker", HTTP_PORT: "99999" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      "KAFKA_BROKERS is invalid: must be a comma-separated list of host:port, e.g. 127.0.0.1:9092",
      "REDIS_URL is missing: must be a redis:// URL, e.g. redis://127.0.0.1:6379",
      "HTTP_PORT is invalid: must be a port number from 0 to 65535",
      "WEBHOOK_SECRET is missing: must be set (signs callback URLs), at least 16 characters",
    ]);
  });
});

describe("Secret", () => {
  it("never prints its value", () => {
    const s = new Secret("hunter2-hunter2-hunter2");
    expect(`${s}`).toBe("***");
    expect(JSON.stringify({ s })).toBe('{"s":"***"}');
    expect(inspect({ s })).not.toContain("hunter2");
  });
});

describe("withEnvFile", () => {
  it("fills variables from the file and lets the environment win", async () => {
    const { withEnvFile } = await import("./index.js");
    const env = withEnvFile({ REDIS_URL: "redis://explicit:1" }, "KAFKA_BROKERS=127.0.0.1:9092\nREDIS_URL='redis://file:2'\n# comment\n");
    expect(env).toEqual({ KAFKA_BROKERS: "127.0.0.1:9092", REDIS_URL: "redis://explicit:1" });
  });
});

describe("secrets from files", () => {
  const dir = mkdtempSync(join(tmpdir(), "riel-config-"));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const base = { KAFKA_BROKERS: "127.0.0.1:9092", REDIS_URL: "redis://127.0.0.1:6379" };

  it("reads NAME_FILE for NAME, without the trailing newline, and refuses both set or an unreadable file by name", () => {
    const config = loadConfig(schema, { ...base, WEBHOOK_SECRET_FILE: file("secret", "from-a-file-0123456789\n") });
    expect(config.WEBHOOK_SECRET.reveal()).toBe("from-a-file-0123456789");
    const problems = (env: Record<string, string>): readonly string[] => {
      try {
        loadConfig(schema, env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ ...base, WEBHOOK_SECRET: "0123456789abcdef", WEBHOOK_SECRET_FILE: file("s2", "x") })).toEqual(["WEBHOOK_SECRET and WEBHOOK_SECRET_FILE are both set: set one"]);
    const missing = problems({ ...base, WEBHOOK_SECRET_FILE: join(dir, "nope") });
    expect(missing).toEqual([`WEBHOOK_SECRET_FILE is invalid: cannot read ${join(dir, "nope")} (ENOENT)`, "WEBHOOK_SECRET is missing: must be set (signs callback URLs), at least 16 characters"]);
  });

  it("gives a rotated file's new value through the secret's function, and keeps the last one while the file is away", () => {
    const path = file("token", "first-token-0123456789\n");
    let now = 0;
    const read = secretSource({ DEPAY_TOKEN_FILE: path }, "DEPAY_TOKEN", new Secret("first-token-0123456789"), 1_000, () => now);
    expect(read()).toBe("first-token-0123456789");
    writeFileSync(path, "second-token-0123456789\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(read()).toBe("first-token-0123456789");
    now += 1_000;
    expect(read()).toBe("second-token-0123456789");
    rmSync(path);
    now += 1_000;
    expect(read()).toBe("second-token-0123456789");
    expect(secretSource({}, "DEPAY_TOKEN", new Secret("from-a-variable-0123"))()).toBe("from-a-variable-0123");
  });

  it("reads the webhook keys: the current one signs, the previous ones are still taken, no key id twice", () => {
    const keysOf = (env: Record<string, string>) => webhookKeys(loadConfig(z.object(webhookSecretVars), env));
    const rotated = keysOf({ WEBHOOK_SECRET: "new-secret-0123456789", WEBHOOK_SECRET_ID: "k2", WEBHOOK_PREVIOUS_SECRETS: "old-bare-secret-0123456, k1:older-secret-0123456" });
    expect(rotated.signing).toEqual({ id: "k2", secret: "new-secret-0123456789" });
    expect(rotated.accepted.map((k) => k.id)).toEqual(["k2", null, "k1"]);
    expect(keysOf({ WEBHOOK_SECRET: "only-secret-0123456789" }).accepted).toEqual([{ id: null, secret: "only-secret-0123456789" }]);
    expect(() => keysOf({ WEBHOOK_SECRET: "new-secret-0123456789", WEBHOOK_SECRET_ID: "k1", WEBHOOK_PREVIOUS_SECRETS: "k1:older-secret-0123456" })).toThrow(/key id k1 is used twice/);
    expect(() => keysOf({ WEBHOOK_SECRET: "new-secret-0123456789", WEBHOOK_PREVIOUS_SECRETS: "short" })).toThrow(/WEBHOOK_PREVIOUS_SECRETS is invalid/);
    expect(() => keysOf({ WEBHOOK_SECRET: "new-secret-0123456789", WEBHOOK_SECRET_ID: "bad id" })).toThrow(/WEBHOOK_SECRET_ID is invalid/);
  });
});
