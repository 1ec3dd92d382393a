import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig, Secret, vars } from "./index.js";

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
