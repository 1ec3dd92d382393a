import { describe, expect, it } from "vitest";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { initialView, writePayment } from "@riel/payments";
import type { ProviderPort } from "@riel/provider-port";
import { notSupported } from "@riel/provider-port";
import type { InitiatePayment, PaymentNeedsAttention, RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, envelopeFor, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createReconciler } from "./reconciler.js";

const pix = (paymentId: string, amount = "10.50"): InitiatePayment => ({
  envelope: envelopeFor(paymentId, null, { now: new Date("2026-11-21T10:00:00.000Z") }),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount, currency: "BRL" },
  payer: { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705", taxIdType: null },
  externalReference: "order-1",
  details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
});

/** A payment still RECEIVED (its preview callback never came, or its refusal never landed), due for a check now. */
async function setup(command: InitiatePayment) {
  const calls: string[] = [];
  const port: ProviderPort = {
    name: "depay",
    capabilities: { methods: ["PIX_KEY"], countries: ["BR"], features: ["STATUS_QUERY", "REPREVIEW"] },
    initiate: async (cmd) => (calls.push(`initiate ${cmd.amount?.amount ?? ""}`), { kind: "OK", reports: [] }),
    setAmount: async () => notSupported("setAmount", "no"),
    confirm: async () => notSupported("confirm", "no"),
    refund: async () => notSupported("refund", "no"),
    queryStatus: async () => (calls.push("queryStatus"), { kind: "OK", reports: [] }),
    close: async () => {},
  };
  const store = createMemoryStore();
  const broker = new MemoryBroker();
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const bus = createBus<RielTopics>({ transport: createMemoryTransport(broker), codec });
  await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
  const paymentId = command.envelope.paymentId;
  await writePayment(store.projections, initialView(command), 0);
  const now = Date.parse("2026-11-21T10:07:00.000Z");
  await store.due.schedule("depay", paymentId, now);
  const reconciler = createReconciler({ port, bus, projections: store.projections, due: store.due, log: () => {}, checkAfter: () => 60_000, callbackUrl: () => "http://riel.invalid/cb", now: () => now });
  const published = async (): Promise<unknown[]> =>
    Promise.all(broker.partitions(topics.providerEvents.name).flat().map(async (r) => (await codec.decode(r.topic, r.value)).value));
  return { calls, reconciler, paymentId, published };
}

describe("reconciler: a payment whose preview never came", () => {
  it("asks the provider for a new preview of a command that holds to the rules", async () => {
    const { calls, reconciler, paymentId } = await setup(pix("p-valid"));
    expect((await reconciler.round()).get(paymentId)).toBe("REPREVIEWED");
    expect(calls).toEqual(["initiate 10.50"]);
  });

  it("never sends the provider a kept command that breaks the rules: it raises the payment for attention, naming them", async () => {
    const { calls, reconciler, paymentId, published } = await setup(pix("p-invalid", "10.505"));
    expect((await reconciler.round()).get(paymentId)).toBe("ATTENTION");
    expect(calls).toEqual([]);
    const [attention] = (await published()) as PaymentNeedsAttention[];
    expect(attention?.reason).toMatch(/^RECEIVED since .*; its InitiatePayment breaks Riel's rules \(amount\.amount: AMOUNT_TOO_PRECISE: .*\); the provider was not asked$/);
  });
});
