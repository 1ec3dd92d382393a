import { describe, expect, it } from "vitest";
import { envFaultProfile, isFaultFree, NO_FAULTS, parseFaultProfile, resolveFaultProfile } from "./fault-profile.js";

const PROBABILITY = 'must be a probability from 0 to 1 (a number or a decimal string such as "0.05")';

describe("parseFaultProfile", () => {
  it("gives every field its default: no faults, maxDelayMs 5000, timeoutHoldMs 15000, seed 0", () => {
    expect(parseFaultProfile({})).toEqual({ ok: true, profile: NO_FAULTS });
    expect(NO_FAULTS).toEqual({
      error5xx: 0,
      timeout: 0,
      duplicateCallback: 0,
      reorderCallback: 0,
      delayCallback: 0,
      dropCallback: 0,
      maxDelayMs: 5_000,
      timeoutHoldMs: 15_000,
      latencyMs: 0,
      seed: 0,
    });
    expect(isFaultFree(NO_FAULTS)).toBe(true);
  });

  it("reads probabilities as numbers or decimal strings, and the integers likewise", () => {
    const result = parseFaultProfile({
      error5xx: 0.1,
      timeout: "0.05",
      duplicateCallback: "1",
      reorderCallback: 0,
      delayCallback: ".5",
      dropCallback: 1,
      maxDelayMs: "3000",
      timeoutHoldMs: 0,
      latencyMs: "100",
      seed: 42,
    });
    expect(result).toEqual({
      ok: true,
      profile: {
        error5xx: 0.1,
        timeout: 0.05,
        duplicateCallback: 1,
        reorderCallback: 0,
        delayCallback: 0.5,
        dropCallback: 1,
        maxDelayMs: 3_000,
        timeoutHoldMs: 0,
        latencyMs: 100,
        seed: 42,
      },
    });
    expect(result.ok && isFaultFree(result.profile)).toBe(false);
  });

  it("names each bad field and its rule, prefixed with the name given", () => {
    expect(
      parseFaultProfile(
        { error5xx: 1.5, timeout: "ten", dropCallback: null, maxDelayMs: 2.5, timeoutHoldMs: 600_001, seed: -1, error500: 0.1 },
        "FAULTS",
      ),
    ).toEqual({
      ok: false,
      errors: [
        "FAULTS.error500 is not a fault profile field (known: error5xx, timeout, duplicateCallback, reorderCallback, delayCallback, dropCallback, maxDelayMs, timeoutHoldMs, latencyMs, seed)",
        `FAULTS.error5xx ${PROBABILITY}`,
        `FAULTS.timeout ${PROBABILITY}`,
        `FAULTS.dropCallback ${PROBABILITY}`,
        "FAULTS.maxDelayMs must be an integer number of milliseconds from 0 to 600000",
        "FAULTS.timeoutHoldMs must be an integer number of milliseconds from 0 to 600000",
        "FAULTS.seed must be an integer from 0 to 4294967295",
      ],
    });
    expect(parseFaultProfile({ seed: 2 ** 32 })).toEqual({ ok: false, errors: ["seed must be an integer from 0 to 4294967295"] });
    expect(parseFaultProfile({ delayCallback: "1e-1" })).toEqual({ ok: false, errors: [`delayCallback ${PROBABILITY}`] });
  });

  it("wants a JSON object", () => {
    for (const value of [null, [], "0.1", 3]) {
      expect(parseFaultProfile(value, "X")).toEqual({ ok: false, errors: ["X must be a JSON object"] });
    }
    expect(parseFaultProfile(null)).toEqual({ ok: false, errors: ["fault profile must be a JSON object"] });
  });
});

describe("resolveFaultProfile", () => {
  it("is NO_FAULTS when nothing is given, and throws a TypeError naming the field otherwise", () => {
    expect(resolveFaultProfile(undefined)).toBe(NO_FAULTS);
    expect(resolveFaultProfile({ timeout: "1" }).timeout).toBe(1);
    expect(() => resolveFaultProfile({ timeout: 2 })).toThrow(new TypeError(`faults.timeout ${PROBABILITY}`));
  });
});

describe("envFaultProfile", () => {
  const schema = envFaultProfile("SANDBOX_FAULTS");

  it("reads the JSON object of a variable", () => {
    expect(schema.parse('{"error5xx":0.1,"timeout":0.05,"seed":42}')).toEqual({ ...NO_FAULTS, error5xx: 0.1, timeout: 0.05, seed: 42 });
  });

  it("names the variable for bad JSON, and the variable and field for a bad field", () => {
    const badJson = schema.safeParse("{error5xx: 0.1}");
    expect(badJson.success).toBe(false);
    expect(badJson.error?.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/^SANDBOX_FAULTS must be a JSON object \(.+\)$/)]);
    const badField = schema.safeParse('{"dropCallback":"lots","maxDelayMs":-1}');
    expect(badField.error?.issues.map((issue) => issue.message)).toEqual([
      `SANDBOX_FAULTS.dropCallback ${PROBABILITY}`,
      "SANDBOX_FAULTS.maxDelayMs must be an integer number of milliseconds from 0 to 600000",
    ]);
  });
});
