import { describe, expect, it } from "vitest";
import type { IncomingRecord } from "@riel/bus";
import { readPayment } from "@riel/runtime";
import type { InitiatePayment, ProviderPreviewReceived, ProviderStatusReceived } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createProjectorHandler, PaymentNotYetProjected } from "./index.js";

const envelope = (eventId: string) => ({ eventId, occurredAt: "2026-11-21T10:00:00.000Z", paymentId: "p-1", correlationId: "c-1", causationId: null });
const record = (type: string, value: unknown): IncomingRecord => ({ topic: "t", partition: 0, offset: 0, key: "p-1", type, value, headers: {}, attempt: 1 });

const initiate: InitiatePayment = {
  envelope: envelope("e-init"),
  method: "PIX_KEY",
  payeeKey: "39053344705",
  amount: { amount: "10.50", currency: "BRL" },
  payer: { fullName: "Joao", currency: "BRL", accountNumber: "1", taxId: "39053344705" },
  externalReference: "order-1",
};
const preview: ProviderPreviewReceived = {
  envelope: envelope("e-preview"),
  provider: "depay",
  providerOrderId: "o-1",
  orderStatus: "CREATED",
  collector: null,
  localAmount: { amount: "10.5", currency: "BRL" },
  userAmount: { amount: "10.5", currency: "BRL" },
  source: "PROVIDER_CALLBACK",
};
const status = (eventId: string, s: string): ProviderStatusReceived => ({
  envelope: envelope(eventId),
  provider: "depay",
  providerOrderId: "o-1",
  status: s,
  errorCode: null,
  paymentDate: null,
  amount: null,
  source: "PROVIDER_CALLBACK",
});

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
    expect(published(await handle(record("riel.commands.InitiatePayment", initiate))).map((e) => e.status)).toEqual(["RECEIVED"]);
    await handle(record("riel.events.ProviderPreviewReceived", preview));
    const done = await handle(record("riel.events.ProviderStatusReceived", status("e-done", "COMPLETED")));
    expect(published(done).map((e) => e.status)).toEqual(["COMPLETED"]);
    const late = await handle(record("riel.events.ProviderStatusReceived", status("e-processing", "PROCESSING")));
    expect(late.outcome).toBe("RECORDED");
    expect(published(late)).toEqual([]);
    const view = await statusOf();
    expect(view?.status).toBe("COMPLETED");
    expect(view?.history.map((h) => h.status)).toEqual(["RECEIVED", "CREATED", "COMPLETED"]);
  });

  it("treats a redelivered event as a duplicate and publishes its status change again under the same id", async () => {
    const { handle } = setup();
    await handle(record("riel.commands.InitiatePayment", initiate));
    const first = await handle(record("riel.events.ProviderPreviewReceived", preview));
    const again = await handle(record("riel.events.ProviderPreviewReceived", preview));
    expect(again.outcome).toBe("DUPLICATE");
    expect(published(again).map((e) => e.envelope.eventId)).toEqual(published(first).map((e) => e.envelope.eventId));
  });

  it("leaves the payment as it was on a status Depay never documented", async () => {
    const { handle, statusOf } = setup();
    await handle(record("riel.commands.InitiatePayment", initiate));
    await handle(record("riel.events.ProviderPreviewReceived", preview));
    const odd = await handle(record("riel.events.ProviderStatusReceived", status("e-odd", "SETTLED_MAYBE")));
    expect(odd.outcome).toBe("UNSUPPORTED_STATUS");
    expect((await statusOf())?.status).toBe("CREATED");
  });

  it("asks for a retry when a provider event comes before its payment is projected", async () => {
    const { handle } = setup();
    await expect(handle(record("riel.events.ProviderPreviewReceived", preview))).rejects.toBeInstanceOf(PaymentNotYetProjected);
  });

  it("refuses a move back from a final status", async () => {
    const { handle, statusOf } = setup();
    await handle(record("riel.commands.InitiatePayment", initiate));
    await handle(record("riel.events.ProviderPreviewReceived", preview));
    await handle(record("riel.events.ProviderStatusReceived", status("e-cancel", "CANCELED")));
    const back = await handle(record("riel.events.ProviderStatusReceived", status("e-done", "COMPLETED")));
    expect(back.outcome).toBe("REFUSED_MOVE");
    expect((await statusOf())?.status).toBe("CANCELED");
  });
});
