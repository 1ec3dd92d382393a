// The dispatcher runs for weeks while merchants add and remove endpoints: what it keeps per
// endpoint must leave with the endpoint's last attempt.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { envelopeFor } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { startDispatcher } from "./dispatcher.js";
import { endpointRequestSchema } from "./endpoints.js";
import { createFanout } from "./fanout.js";
import type { PaymentEventRecord } from "./messages.js";
import { webhookAdmin } from "./operations.js";
import type { Sender } from "./send.js";

const quiet = (): void => {};

const received = (paymentId: string): PaymentEventRecord => ({
  type: "riel.events.PaymentStatusChanged",
  value: {
    envelope: envelopeFor(paymentId, null, { now: new Date() }),
    status: "RECEIVED",
    previousStatus: null,
    final: false,
    externalReference: `ref-${paymentId}`,
    providerOrderId: null,
    amount: { amount: "10.50", currency: "BRL" },
    reason: null,
    source: "PROVIDER_CALLBACK",
    method: "PIX_KEY",
    provider: "depay",
    refundedAmount: null,
    payerInstructions: null,
  },
});

describe("webhook dispatcher slots", () => {
  it("keeps no per-endpoint entry once an endpoint's attempts end, however many endpoints come and go", async () => {
    const store = createMemoryStore();
    const admin = webhookAdmin(store.webhooks);
    const delivered = new Map<string, number>();
    const waiters: Array<() => void> = [];
    const send: Sender = async (url) => {
      delivered.set(url, (delivered.get(url) ?? 0) + 1);
      for (const w of waiters.splice(0)) w();
      return { status: 204, error: null };
    };
    const until = async (test: () => boolean): Promise<void> => {
      while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    const dispatcher = startDispatcher({ store: store.webhooks, send, log: quiet, pollMs: 5 });
    const fanout = createFanout({ store: store.webhooks, log: quiet, enqueued: () => dispatcher.wake() });
    try {
      // Rounds of endpoints made, delivered to, and removed (the dispatcher reads the endpoint list again every second).
      const rounds = 3;
      const perRound = 20;
      for (let r = 0; r < rounds; r++) {
        const urls = Array.from({ length: perRound }, (_, i) => `https://m${r}-${i}.example/h`);
        const made = [];
        for (const url of urls) made.push(await admin.create(endpointRequestSchema.parse({ url, eventTypes: ["*"] }), new Date(Date.now() - 60_000)));
        await fanout(received(randomUUID()));
        await until(() => urls.every((url) => delivered.get(url) === 1));
        for (const endpoint of made) expect(await admin.delete(endpoint.id)).toBe(true);
      }
      const endpoints = rounds * perRound;
      expect(delivered.size).toBe(endpoints);
      // Once no attempt is running, no endpoint is listed (the store's settle may still be ending the last one).
      while ([...dispatcher.inFlight().values()].some((n) => n > 0)) await new Promise<void>((resolve) => setImmediate(resolve));
      expect(dispatcher.inFlight().size).toBe(0);

      // Still delivering: a new endpoint gets its message as before.
      const url = "https://after.example/h";
      await admin.create(endpointRequestSchema.parse({ url, eventTypes: ["*"] }), new Date(Date.now() - 60_000));
      await fanout(received(randomUUID()));
      await until(() => delivered.get(url) === 1);
    } finally {
      await dispatcher.stop();
    }
    expect(dispatcher.inFlight().size).toBe(0);
  });
});
