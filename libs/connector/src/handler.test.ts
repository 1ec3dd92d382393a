import { describe, expect, it } from "vitest";
import type { IncomingRecord } from "@riel/bus";
import { initialView, writePayment, withStatus } from "@riel/payments";
import type { ProviderPort, StepResult } from "@riel/provider-port";
import { notSupported } from "@riel/provider-port";
import type { PaymentStatus } from "@riel/rails";
import type { InitiatePayment, RielTopics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createConnectorHandler, PaymentNotReady } from "./handler.js";

type Commands = RielTopics["riel.payment-commands.v1"];
const envelope = (eventId: string) => ({ eventId, occurredAt: "2026-11-21T10:00:00.000Z", paymentId: "p-1", correlationId: "c-1", causationId: null });
const meta = { topic: "riel.payment-commands.v1", partition: 0, offset: 0, key: "p-1", headers: {}, attempt: 1 };
const record = (body: Commands): IncomingRecord<Commands> => ({ ...meta, ...body });

const command = (overrides: Partial<InitiatePayment> = {}): InitiatePayment => ({
  envelope: envelope("e-1"),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount: "10.50", currency: "BRL" },
  payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705", taxIdType: null },
  externalReference: "order-1",
  details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
  ...overrides,
});

/** A provider that records its calls and answers what the test says. */
function fakePort(answer: (op: string) => StepResult = () => ({ kind: "OK", reports: [] })) {
  const calls: string[] = [];
  const port: ProviderPort = {
    name: "depay",
    capabilities: { methods: ["PIX_KEY", "EMV_QR"], countries: ["BR"], features: [] },
    initiate: async () => (calls.push("initiate"), answer("initiate")),
    setAmount: async (_o, amount) => (calls.push(`setAmount ${amount.amount}`), answer("setAmount")),
    confirm: async (_o, decision) => (calls.push(`confirm ${decision}`), answer("confirm")),
    refund: async () => notSupported("refund", "no"),
    queryStatus: async () => answer("queryStatus"),
    close: async () => {},
  };
  return { port, calls };
}

function setup(answer?: (op: string) => StepResult) {
  const { port, calls } = fakePort(answer);
  const store = createMemoryStore();
  const handle = createConnectorHandler({ port, projections: store.projections, callbackUrl: (id) => `http://cb/${id}`, log: () => {} });
  /** The projection as the projector would have left it. */
  const project = async (cmd: InitiatePayment, status: PaymentStatus, orderId: string | null = "o-1") => {
    const stored = initialView(cmd);
    await writePayment(store.projections, { ...stored, view: { ...withStatus(stored.view, status), providerOrderId: orderId } }, 0);
  };
  return { calls, handle, project };
}

describe("connector: commands published straight to Kafka", () => {
  it("refuses a refund whose id could not go into the provider's idempotency key, and never calls the provider", async () => {
    const { calls, handle, project } = setup();
    await project(command(), "COMPLETED");
    const refund = (refundId: string) =>
      handle(record({ type: "riel.commands.RefundPayment", value: { envelope: envelope("e-r"), refundId, amount: { amount: "1.00", currency: "BRL" } } }));
    expect((await refund("x".repeat(101))).outcome).toEqual({ kind: "NOT_ALLOWED", status: "COMPLETED", action: "REFUND" });
    expect((await refund("bad id")).outcome).toEqual({ kind: "NOT_ALLOWED", status: "COMPLETED", action: "REFUND" });
    expect(calls).toEqual([]);
  });

  it("refuses a command that breaks the rules, naming the field, and never calls the provider", async () => {
    const { calls, handle } = setup();
    const result = await handle(record({ type: "riel.commands.InitiatePayment", value: command({ payer: { fullName: "Joao", currency: "BRL", accountNumber: "1", taxId: "9".repeat(60), taxIdType: null } }) }));
    expect(result.outcome).toEqual({ kind: "REFUSED", stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND" });
    expect(result.publish?.[0]).toMatchObject({ type: "riel.events.PaymentRefused", value: { reason: "payer.taxId: must be at most 50 characters" } });
    expect(calls).toEqual([]);
  });

  it("refuses a key or amount that is not in canonical form", async () => {
    const { calls, handle } = setup();
    const key = await handle(record({ type: "riel.commands.InitiatePayment", value: command({ details: { "riel.PixKeyDetails": { payeeKey: "390.533.447-05", keyType: "PIX_CPF" } } }) }));
    expect(key.outcome.kind).toBe("REFUSED");
    const amount = await handle(record({ type: "riel.commands.InitiatePayment", value: command({ amount: { amount: "10.5", currency: "BRL" } }) }));
    expect(amount.outcome.kind).toBe("REFUSED");
    expect(calls).toEqual([]);
  });

  it("still reads a command written before details existed (the key at the top level)", async () => {
    const { calls, handle } = setup();
    const result = await handle(record({ type: "riel.commands.InitiatePayment", value: command({ details: null, payeeKey: "39053344705" }) }));
    expect(result.outcome).toEqual({ kind: "STEP_DONE", step: "initiate" });
    expect(calls).toEqual(["initiate"]);
  });

  it("turns a provider's refusal into a PaymentRefused, and a step it lacks into a refusal rather than a throw", async () => {
    const refusedBy = setup(() => ({ kind: "REFUSED", code: "INVALID_DICT_KEY", reason: "no such key", retryable: false }));
    const refused = await refusedBy.handle(record({ type: "riel.commands.InitiatePayment", value: command() }));
    expect(refused.publish?.[0]).toMatchObject({ type: "riel.events.PaymentRefused", value: { stage: "PREVIEW", code: "INVALID_DICT_KEY", retryable: false } });
    const lacking = setup(() => notSupported("initiate", "not here"));
    const result = await lacking.handle(record({ type: "riel.commands.InitiatePayment", value: command() }));
    expect(result.outcome).toEqual({ kind: "REFUSED", stage: "PREVIEW", code: "NOT_SUPPORTED" });
  });
});

describe("connector: later commands and the lifecycle", () => {
  const confirm = (decision: "ACCEPT" | "REJECT") => record({ type: "riel.commands.ConfirmPayment", value: { envelope: envelope("e-c"), decision, walletId: null } });

  it("retries a confirm that overtook its preview, without calling the provider", async () => {
    const { calls, handle, project } = setup();
    await expect(handle(confirm("ACCEPT"))).rejects.toBeInstanceOf(PaymentNotReady);
    await project(command(), "RECEIVED", null);
    await expect(handle(confirm("ACCEPT"))).rejects.toBeInstanceOf(PaymentNotReady);
    expect(calls).toEqual([]);
  });

  it("never calls the provider for a decision the payment's status no longer takes", async () => {
    const { calls, handle, project } = setup();
    await project(command(), "PROCESSING");
    expect((await handle(confirm("ACCEPT"))).outcome).toEqual({ kind: "NOT_ALLOWED", status: "PROCESSING", action: "ACCEPT" });
    expect(calls).toEqual([]);
  });

  it("sends an open amount checked against the code's currency, and refuses one for a closed code", async () => {
    const qr = command({
      method: "EMV_QR",
      amount: null,
      details: {
        "riel.EmvQrDetails": { qr: "x", country: "AR", currency: "ARS", amountMode: "OPEN", initiation: "STATIC", merchantName: "K", merchantCity: "CABA", warnings: [] },
      },
    });
    const amount = (value: string) => record({ type: "riel.commands.SetPaymentAmount", value: { envelope: envelope(`e-a-${value}`), amount: { amount: value, currency: "ARS" } } });
    const open = setup();
    await open.project(qr, "WAITING_AMOUNT");
    expect((await open.handle(amount("1500.001"))).outcome.kind).toBe("NOT_ALLOWED");
    expect((await open.handle(amount("1500.00"))).outcome).toEqual({ kind: "STEP_DONE", step: "setAmount" });
    expect(open.calls).toEqual(["setAmount 1500.00"]);
  });

  it("leaves payments of another provider to their own connector", async () => {
    const { calls, handle, project } = setup();
    const stored = command();
    await project(stored, "CREATED");
    const other = createConnectorHandler({
      port: { ...fakePort().port, name: "tumipay" },
      projections: createMemoryStore().projections,
      callbackUrl: () => "",
      log: () => {},
    });
    expect((await other(record({ type: "riel.commands.InitiatePayment", value: stored }))).outcome).toEqual({ kind: "OTHER_PROVIDER", provider: "depay" });
    expect(calls).toEqual([]);
    expect((await handle(confirm("ACCEPT"))).outcome).toEqual({ kind: "STEP_DONE", step: "confirm" });
  });
});
