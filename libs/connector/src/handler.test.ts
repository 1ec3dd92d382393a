import { describe, expect, it } from "vitest";
import type { DepayClient } from "@riel/depay";
import type { InitiatePayment } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createConnectorHandler } from "./index.js";

const command = (overrides: Partial<InitiatePayment> = {}): InitiatePayment => ({
  envelope: { eventId: "e-1", occurredAt: "2026-11-21T10:00:00.000Z", paymentId: "p-1", correlationId: "c-1", causationId: null },
  method: "PIX_KEY",
  payeeKey: "39053344705",
  amount: { amount: "10.50", currency: "BRL" },
  payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" },
  externalReference: "order-1",
  ...overrides,
});

function setup() {
  const calls: string[] = [];
  const depay: DepayClient = {
    post: async (path) => {
      calls.push(path);
      return { status: 200, body: { status: "success" } };
    },
    get: async () => ({ status: 200, body: null }),
    close: async () => {},
  };
  const handle = createConnectorHandler({
    depay,
    projections: createMemoryStore().projections,
    webhookBaseUrl: "http://127.0.0.1:1",
    webhookSecret: () => "0123456789abcdef0123456789abcdef",
    log: () => {},
  });
  return { calls, handle };
}

const record = (value: InitiatePayment) => ({ topic: "t", partition: 0, offset: 0, key: "p-1", type: "riel.commands.InitiatePayment", value, headers: {}, attempt: 1 });

describe("Depay connector, commands published straight to Kafka", () => {
  it("refuses a command that breaks the rules, naming the field, and never calls Depay", async () => {
    const { calls, handle } = setup();
    const result = await handle(record(command({ payer: { fullName: "Joao", currency: "BRL", accountNumber: "1", taxId: "9".repeat(60) } })));
    expect(result.outcome).toEqual({ kind: "REFUSED", stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND" });
    expect((result.publish?.[0]?.value as { reason: string }).reason).toBe("payer.taxId: must be at most 50 characters");
    expect(calls).toEqual([]);
  });

  it("refuses a key that is not in canonical form", async () => {
    const { calls, handle } = setup();
    const result = await handle(record(command({ payeeKey: "390.533.447-05" })));
    expect(result.outcome.kind).toBe("REFUSED");
    expect(calls).toEqual([]);
  });

  it("validates the key, then asks for the preview", async () => {
    const { calls, handle } = setup();
    expect((await handle(record(command()))).outcome).toEqual({ kind: "PREVIEW_REQUESTED" });
    expect(calls).toEqual(["/v2/payments/validations/dictkey", "/v2/payments/previews/dictkey"]);
  });
});
