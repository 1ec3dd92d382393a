import { describe, expect, it } from "vitest";
import { err, ok } from "./index.js";

describe("result", () => {
  it("wraps values and errors in a tagged union", () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    expect(err("nope")).toEqual({ ok: false, error: "nope" });
  });
});
