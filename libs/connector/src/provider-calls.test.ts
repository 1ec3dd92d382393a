import { describe, expect, it } from "vitest";
import type { IncomingRecord } from "@riel/bus";
import { initialView, withStatus, writePayment } from "@riel/payments";
import type { ProviderPort, StepResult } from "@riel/provider-port";
import { notSupported } from "@riel/provider-port";
import type { ProviderCall } from "@riel/runtime";
import type { InitiatePayment, RielTopics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createConnectorHandler } from "./handler.js";

type Commands = RielTopics["riel.payment-commands.v1"];
const envelope = (eventId: string) => ({ eventId, occurredAt: "2026-11-21T10:00:00.000Z", paymentId: "p-1", correlationId: "c-1", causationId: null });
const record = (body: Commands): IncomingRecord<Commands> => ({ topic: "riel.payment-commands.v1", partition: 0, offset: 0, key: "p-1", headers: {}, attempt: 1, ...body });
const initiate: InitiatePayment = {
  envelope: envelope("e-1"),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount: "10.50", currency: "BRL" },
  payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705", taxIdType: null },
  externalReference: "order-1",
  details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
};

describe("connector: provider calls, for metrics", () => {
  it("reports each call to the provider with its operation, outcome and time, and a fault as error", async () => {
    const answers: Array<StepResult | Error> = [{ kind: "OK", reports: [] }, { kind: "REFUSED", code: "DECLINED", reason: "no", retryable: false }, new Error("connect ETIMEDOUT")];
    const next = async (): Promise<StepResult> => {
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? { kind: "OK", reports: [] };
    };
    const port: ProviderPort = {
      name: "depay",
      capabilities: { methods: ["PIX_KEY"], countries: ["BR"], features: [] },
      initiate: next,
      setAmount: next,
      confirm: next,
      refund: async () => notSupported("refund", "no"),
      queryStatus: next,
      close: async () => {},
    };
    const store = createMemoryStore();
    const calls: ProviderCall[] = [];
    const handle = createConnectorHandler({ port, projections: store.projections, callbackUrl: (id) => `http://cb/${id}`, log: () => {}, providerCalled: (c) => calls.push(c) });

    await handle(record({ type: "riel.commands.InitiatePayment", value: initiate }));
    const stored = initialView(initiate);
    await writePayment(store.projections, { ...stored, view: { ...withStatus(stored.view, "CREATED"), providerOrderId: "o-1" } }, 0);
    await handle(record({ type: "riel.commands.ConfirmPayment", value: { envelope: envelope("e-2"), decision: "ACCEPT", walletId: null } }));
    await expect(handle(record({ type: "riel.commands.SyncPayment", value: { envelope: envelope("e-3") } }))).rejects.toThrow("connect ETIMEDOUT");

    expect(calls.map(({ provider, operation, outcome }) => [provider, operation, outcome])).toEqual([
      ["depay", "initiate", "ok"],
      ["depay", "confirm", "refused"],
      ["depay", "queryStatus", "error"],
    ]);
    expect(calls.every((c) => c.seconds >= 0 && c.seconds < 5)).toBe(true);
  });
});
