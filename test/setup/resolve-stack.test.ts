import { describe, expect, it } from "vitest";
import { endpointsOf, missingVars, parseEnvFile, pickStackVars, settingsFromVars, varsOf } from "./resolve-stack.js";

describe("stack settings resolution", () => {
  it("parses the .stack/env format", () => {
    const vars = parseEnvFile(
      "# comment\nKAFKA_BROKERS=127.0.0.1:19092\n\nexport REDIS_URL='redis://127.0.0.1:16379'\nSCHEMA_REGISTRY_URL=\"http://127.0.0.1:18081/apis/ccompat/v7\"\nnot a line\n",
    );
    expect(vars).toEqual({
      KAFKA_BROKERS: "127.0.0.1:19092",
      REDIS_URL: "redis://127.0.0.1:16379",
      SCHEMA_REGISTRY_URL: "http://127.0.0.1:18081/apis/ccompat/v7",
    });
  });

  it("needs all three variables", () => {
    const partial = pickStackVars({ KAFKA_BROKERS: "a:1", REDIS_URL: " " });
    expect(missingVars(partial)).toEqual(["REDIS_URL", "SCHEMA_REGISTRY_URL"]);
    expect(settingsFromVars(partial, "env")).toBeNull();
  });

  it("splits brokers, trims the registry URL and maps back to variables", () => {
    const settings = settingsFromVars(
      { KAFKA_BROKERS: "h1:9092, h2:9093", REDIS_URL: "redis://r:6380", SCHEMA_REGISTRY_URL: "http://s:8081/apis/ccompat/v7/" },
      "env",
    );
    expect(settings).toEqual({
      kafkaBrokers: ["h1:9092", "h2:9093"],
      redisUrl: "redis://r:6380",
      schemaRegistryUrl: "http://s:8081/apis/ccompat/v7",
      source: "env",
    });
    expect(varsOf(settings!)).toEqual({
      KAFKA_BROKERS: "h1:9092,h2:9093",
      REDIS_URL: "redis://r:6380",
      SCHEMA_REGISTRY_URL: "http://s:8081/apis/ccompat/v7",
    });
    expect(endpointsOf(settings!)).toEqual([
      { name: "kafka", host: "h1", port: 9092 },
      { name: "redis", host: "r", port: 6380 },
      { name: "schema registry", host: "s", port: 8081 },
    ]);
  });
});
