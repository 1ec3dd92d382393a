import { describe, expect, it } from "vitest";
import type { IncomingRecord } from "@riel/bus";
import { PermanentError } from "@riel/bus";
import { initialView, readPayment, writePayment } from "@riel/payments";
import type { InitiatePayment, PaymentStatus, ProviderReported, RielTopics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createProjectorHandler, PaymentNotYetProjected } from "./app.js";

type Projected = RielTopics["riel.payment-commands.v1"] | RielTopics["riel.provider-events.v1"];
const envelope = (eventId: string) => ({ eventId, occurredAt: "2026-11-21T10:00:00.000Z", paymentId: "p-1", correlationId: "c-1", causationId: null });
const meta = { topic: "t", partition: 0, offset: 0, key: "p-1", headers: {}, attempt: 1 };
const record = (body: Projected): IncomingRecord<Projected> => ({ ...meta, ...body });

const initiate: InitiatePayment = {
  envelope: envelope("e-init"),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount: "10.50", currency: "BRL" },
  payer: { fullName: "Joao", currency: "BRL", accountNumber: "1", taxId: "39053344705", taxIdType: null },
  externalReference: "order-1",
  details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
};
const report = (eventId: string, status: PaymentStatus, extra: Partial<ProviderReported> = {}): Projected => ({
  type: "riel.events.ProviderReported",
  value: {
    envelope: envelope(eventId),
    provider: "depay",
    providerOrderId: "o-1",
    status,
    providerStatus: status,
    refundAmount: null,
    refundId: null,
    wallets: null,
    payerInstructions: null,
    amount: null,
    userAmount: null,
    collector: null,
    reason: null,
    source: "PROVIDER_CALLBACK",
    ...extra,
  },
});
const init = record({ type: "riel.commands.InitiatePayment", value: initiate });
const preview = record(report("e-preview", "CREATED", { amount: { amount: "10.50", currency: "BRL" }, userAmount: { amount: "10.50", currency: "BRL" } }));
const status = (eventId: string, s: PaymentStatus) => record(report(eventId, s));

function setup() {
  const store = createMemoryStore();
  const handle = createProjectorHandler({ projections: store.projections, log: () => {} });
  const statusOf = async () => (await readPayment(store.projections, "p-1"))?.payment.view;
  return { handle, statusOf };
}

const published = (r: { publish?: ReadonlyArray<{ value: unknown }> }) => (r.publish ?? []).map((o) => (o.value as { status: string; envelope: { eventId: string } }));

describe("status projector", () => {
  it("takes a COMPLETED that overtook its PROCESSING, and records the late PROCESSING without going back", async () => {
    const { handle, statusOf } = setup();
    expect(published(await handle(init)).map((e) => e.status)).toEqual(["RECEIVED"]);
    await handle(preview);
    const done = await handle(status("e-done", "COMPLETED"));
    expect(published(done).map((e) => e.status)).toEqual(["COMPLETED"]);
    const late = await handle(status("e-processing", "PROCESSING"));
    expect(late.outcome).toBe("RECORDED");
    expect(published(late)).toEqual([]);
    const view = await statusOf();
    expect(view?.status).toBe("COMPLETED");
    expect(view?.history.map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "COMPLETED"]);
  });

  it("treats a redelivered event as a duplicate and publishes its status change again, with those before it, under the same ids", async () => {
    const { handle } = setup();
    await handle(init);
    const first = await handle(preview);
    const again = await handle(preview);
    expect(again.outcome).toBe("DUPLICATE");
    // The change again under its first id, after every change before it (RECEIVED), in order.
    expect(published(again).map((e) => e.status)).toEqual(["RECEIVED", "CREATED"]);
    expect(published(again).at(-1)?.envelope.eventId).toBe(published(first)[0]?.envelope.eventId);
  });

  it("leaves the payment as it was on a status the provider's library could not map", async () => {
    const { handle, statusOf } = setup();
    await handle(init);
    await handle(preview);
    const odd = await handle(status("e-odd", "UNSUPPORTED"));
    expect(odd.outcome).toBe("UNSUPPORTED_STATUS");
    expect((await statusOf())?.status).toBe("CREATED");
  });

  it("asks for a retry when a provider event comes before its payment is projected", async () => {
    const { handle } = setup();
    await expect(handle(preview)).rejects.toBeInstanceOf(PaymentNotYetProjected);
  });

  it("publishes RECEIVED first when a provider's report overtakes the InitiatePayment (the ingress wrote the view)", async () => {
    const store = createMemoryStore();
    const handle = createProjectorHandler({ projections: store.projections, log: () => {} });
    await writePayment(store.projections, initialView(initiate), 0);
    const created = await handle(preview);
    expect(published(created).map((e) => e.status)).toEqual(["RECEIVED", "CREATED"]);
    const late = await handle(init);
    expect(late.outcome).toBe("DUPLICATE");
    // The same RECEIVED again, under the same id: consumers drop it.
    expect(published(late).map((e) => e.envelope.eventId)).toEqual([published(created)[0]?.envelope.eventId]);
    expect(published(await handle(status("e-done", "COMPLETED"))).map((e) => e.status)).toEqual(["COMPLETED"]);
  });

  it("learns an open amount from the preview that priced it, and shows what upstream can do next", async () => {
    const { handle, statusOf } = setup();
    const open: InitiatePayment = {
      ...initiate,
      method: "EMV_QR",
      amount: null,
      details: {
        "riel.EmvQrDetails": {
          qr: "000201...",
          country: "AR",
          currency: "ARS",
          amountMode: "OPEN",
          initiation: "STATIC",
          merchantName: "KIOSCO",
          merchantCity: "CABA",
          warnings: [],
        },
      },
    };
    await handle(record({ type: "riel.commands.InitiatePayment", value: open }));
    await handle(status("e-wait", "WAITING_AMOUNT"));
    const waiting = await statusOf();
    expect(waiting).toMatchObject({ status: "WAITING_AMOUNT", amount: null, currency: "ARS", actions: ["SET_AMOUNT", "REJECT"], details: { merchantName: "KIOSCO" } });
    await handle(record(report("e-priced", "CREATED", { amount: { amount: "1500.00", currency: "ARS" } })));
    expect(await statusOf()).toMatchObject({ status: "CREATED", amount: { amount: "1500.00", currency: "ARS" }, actions: ["ACCEPT", "REJECT"] });
  });

  it("ends a refused command REJECTED with its reason, and FAILED when the provider may take it later", async () => {
    const { handle, statusOf } = setup();
    await handle(init);
    const refused = await handle(
      record({ type: "riel.events.PaymentRefused", value: { envelope: envelope("e-ref"), stage: "PREVIEW", code: "INVALID_DICT_KEY", reason: "INVALID_DICT_KEY", retryable: false } }),
    );
    expect(refused.outcome).toBe("CHANGED");
    expect(await statusOf()).toMatchObject({ status: "REJECTED", final: true, reason: "PREVIEW: INVALID_DICT_KEY: INVALID_DICT_KEY", actions: [] });
  });

  it("ends REJECTED a command from Kafka whose amount or currency no rule takes, once its connector refused it", async () => {
    for (const amount of [{ amount: "10.505", currency: "BRL" }, { amount: "-1", currency: "BRL" }, { amount: "ten", currency: "BRL" }, { amount: "10.50", currency: "" }, { amount: "10.50", currency: "EUR" }]) {
      const { handle, statusOf } = setup();
      await handle(record({ type: "riel.commands.InitiatePayment", value: { ...initiate, amount } }));
      const refusal = { envelope: envelope("e-ref"), stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND", reason: "amount: broken", retryable: false };
      const refused = await handle(record({ type: "riel.events.PaymentRefused", value: refusal }));
      expect(published(refused).map((e) => e.status), JSON.stringify(amount)).toEqual(["REJECTED"]);
      expect(await statusOf()).toMatchObject({ status: "REJECTED", final: true, reason: "COMMAND_VALIDATION: INVALID_COMMAND: amount: broken" });
    }
  });

  it("dead-letters a command from Kafka with no currency Riel handles, neither its amount's nor its method's, and keeps no payment of it", async () => {
    const { handle, statusOf } = setup();
    const orphan: InitiatePayment = { ...initiate, method: "EMV_QR", amount: { amount: "10.50", currency: "EUR" } };
    await expect(handle(record({ type: "riel.commands.InitiatePayment", value: orphan }))).rejects.toThrow(new PermanentError('amount.currency: "EUR" is no currency Riel handles, and method EMV_QR names none'));
    expect(await statusOf()).toBeUndefined();
  });

  it("refuses a move back from a final status", async () => {
    const { handle, statusOf } = setup();
    await handle(init);
    await handle(preview);
    await handle(status("e-cancel", "CANCELED"));
    const back = await handle(status("e-done", "COMPLETED"));
    expect(back.outcome).toBe("REFUSED_MOVE");
    expect((await statusOf())?.status).toBe("CANCELED");
  });

  describe("a payment reconciliation gave up on", () => {
    const attention = (eventId: string, stuckIn: PaymentStatus): Projected => ({
      type: "riel.events.PaymentNeedsAttention",
      value: {
        envelope: envelope(eventId),
        provider: "depay",
        status: stuckIn,
        since: "2026-11-21T08:00:00.000Z",
        checks: 7,
        reason: `${stuckIn} since 2026-11-21T08:00:00.000Z; asked 7 times; the provider still says PROCESSING`,
        method: "PIX_KEY",
        externalReference: "order-1",
      },
    });

    it("shows it in the view and tells the public topic once; a repeat publishes the same record again", async () => {
      const { handle, statusOf } = setup();
      await handle(init);
      await handle(preview);
      await handle(status("e-processing", "PROCESSING"));
      const raised = await handle(record(attention("e-att", "PROCESSING")));
      expect(raised.outcome).toBe("ATTENTION");
      expect(raised.publish).toHaveLength(1);
      expect(raised.publish?.[0]).toMatchObject({ topic: "riel.payment-events.v1", type: "riel.events.PaymentNeedsAttention", value: { status: "PROCESSING", checks: 7 } });
      expect((await statusOf())?.attention).toMatchObject({ status: "PROCESSING", checks: 7, since: "2026-11-21T08:00:00.000Z" });
      const again = await handle(record(attention("e-att", "PROCESSING")));
      expect(again.outcome).toBe("DUPLICATE");
      expect(again.publish?.[0]?.value).toEqual(raised.publish?.[0]?.value);
    });

    it("drops the news when the payment moved meanwhile, and a later move clears the flag", async () => {
      const { handle, statusOf } = setup();
      await handle(init);
      await handle(preview);
      const stale = await handle(record(attention("e-att-old", "RECEIVED")));
      expect(stale.outcome).toBe("STALE_ATTENTION");
      expect(stale.publish ?? []).toEqual([]);
      expect((await statusOf())?.attention).toBeNull();
      await handle(record(attention("e-att", "CREATED")));
      expect((await statusOf())?.attention?.status).toBe("CREATED");
      await handle(status("e-done", "COMPLETED"));
      expect((await statusOf())?.attention).toBeNull();
    });
  });

  it("keeps the initiate command (the payer's data) only until the provider's order is known or the payment ended", async () => {
    const store = createMemoryStore();
    const handle = createProjectorHandler({ projections: store.projections, log: () => {} });
    await handle(init);
    expect((await readPayment(store.projections, "p-1"))?.payment.initiate).toContain("39053344705");
    await handle(preview);
    expect((await readPayment(store.projections, "p-1"))?.payment.initiate).toBeUndefined();

    const other = createMemoryStore();
    const handleOther = createProjectorHandler({ projections: other.projections, log: () => {} });
    await handleOther(init);
    await handleOther(
      record({ type: "riel.events.PaymentRefused", value: { envelope: envelope("e-refused"), stage: "PREVIEW", code: "INVALID_DICT_KEY", reason: "unknown key", retryable: false } }),
    );
    const refused = (await readPayment(other.projections, "p-1"))?.payment;
    expect(refused?.view.status).toBe("REJECTED");
    expect(refused?.initiate).toBeUndefined();
  });
});
