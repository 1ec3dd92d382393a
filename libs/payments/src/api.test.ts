import { describe, expect, it } from "vitest";
import { deterministicId, envelopeFor } from "@riel/schemas";
import { PAYMENT_REQUEST_EXAMPLES, PAYMENT_VIEW_EXAMPLE, paymentViewSchema } from "./api.js";
import { METHODS, parsePaymentRequest } from "./registry.js";
import { initialView } from "./view.js";

describe("what the API reference shows", () => {
  it("has requests for every method that its rules take", () => {
    for (const module of METHODS) {
      const examples = Object.entries(PAYMENT_REQUEST_EXAMPLES[module.method]);
      expect(examples.length, module.method).toBeGreaterThan(0);
      for (const [name, example] of examples) {
        expect(example.value.method, name).toBe(module.method);
        const parsed = parsePaymentRequest(example.value);
        expect(parsed, `${name}: ${parsed.ok ? "" : JSON.stringify(parsed.errors)}`).toMatchObject({ ok: true });
      }
    }
    const names = METHODS.flatMap((m) => Object.keys(PAYMENT_REQUEST_EXAMPLES[m.method]));
    expect(new Set(names).size, "example names are unique across methods").toBe(names.length);
  });

  it("describes every field of a payment's view and no other", () => {
    const strict = paymentViewSchema.strict();
    expect(strict.parse(PAYMENT_VIEW_EXAMPLE)).toEqual(PAYMENT_VIEW_EXAMPLE);
    for (const module of METHODS) {
      const [example] = Object.values(PAYMENT_REQUEST_EXAMPLES[module.method]);
      const parsed = parsePaymentRequest(example?.value);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const paymentId = deterministicId("example", module.method);
      const { view } = initialView({ envelope: envelopeFor(paymentId, null, { now: new Date("2026-11-22T00:00:00Z") }), payeeKey: null, ...parsed.value });
      expect(strict.safeParse(view), module.method).toMatchObject({ success: true });
    }
  });
});
