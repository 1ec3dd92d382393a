import { describe, expect, it } from "vitest";
import { parseFilter, parseLetterId } from "./dlq.js";
import { profileFrom } from "./sandbox.js";
import { CliError } from "./settings.js";

const refused = (run: () => unknown): CliError => {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("not refused");
};

describe("riel's arguments", () => {
  it("takes a letter id as list prints it, and names the shape when it is not one", () => {
    expect(parseLetterId("riel.payment-commands.v1.dlq/3/17")).toEqual({ topic: "riel.payment-commands.v1.dlq", partition: 3, offset: "17" });
    for (const bad of ["", "topic/1", "topic/x/1", "a/b/1/2", "to pic/1/1"]) {
      const error = refused(() => parseLetterId(bad));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/<dead-letter topic>\/<partition>\/<offset>/);
    }
  });

  it("filters letters by reason (case-insensitive) and group, and refuses a broken expression or topic name", () => {
    const { matches } = parseFilter({ reason: "^permanent", group: "riel.status-projector" });
    const letter = { id: "t.dlq/0/0", sourceTopic: "t", group: "riel.status-projector", reason: "PermanentError: amount", failedAt: "", attempts: "1", key: "k", headers: {}, value: Buffer.alloc(0) };
    expect(matches(letter)).toBe(true);
    expect(matches({ ...letter, reason: "DecodeError: x" })).toBe(false);
    expect(matches({ ...letter, group: "riel.depay-connector" })).toBe(false);
    expect(refused(() => parseFilter({ reason: "(" })).message).toMatch(/^--reason: must be a regular expression/);
    expect(refused(() => parseFilter({ topic: "no spaces please" })).message).toMatch(/^--topic: must be a Kafka topic name/);
  });

  it("takes a named fault profile or a JSON object, and lists the names when given neither", () => {
    expect(profileFrom("none")).toEqual({});
    expect(profileFrom("flaky")).toMatchObject({ error5xx: 0.1 });
    expect(profileFrom('{"dropCallback":0.5}')).toEqual({ dropCallback: 0.5 });
    expect(refused(() => profileFrom("wobbly")).message).toMatch(/none, flaky, drop-callbacks, messy-callbacks, chaos/);
    expect(refused(() => profileFrom("[1]")).message).toMatch(/profile: must be one of/);
    expect(refused(() => profileFrom("{nope")).message).toMatch(/not a JSON object/);
  });
});
