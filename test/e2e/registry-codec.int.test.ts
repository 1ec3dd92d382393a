// The registry codec caches readers by schema id. A service that reads two topics (the projector
// reads commands and provider events) must still refuse, on one topic, a record type it has
// already read on the other: the topic decides what a record may be, not the cache.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { catalog, createRegistryCodec, DecodeError, envelopeFor, topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";

const stack = requireStack();

describe("registry codec", () => {
  it("refuses another topic's record type even after reading that type on its own topic", async () => {
    const codec = createRegistryCodec({ url: stack.schemaRegistryUrl, catalog, topics: Object.values(topics) });
    await codec.start();
    const paymentId = randomUUID();
    const refused = { envelope: envelopeFor(paymentId, null), stage: "COMMAND_VALIDATION", code: "INVALID_COMMAND", reason: "amount: must be positive", retryable: false };
    const bytes = await codec.encode(topics.providerEvents.name, "riel.events.PaymentRefused", refused);

    // Read on its own topic first, so the reader for its schema id is cached...
    expect((await codec.decode(topics.providerEvents.name, bytes)).type).toBe("riel.events.PaymentRefused");
    // ...then met on the commands topic: refused all the same, and again on a second read.
    for (let i = 0; i < 2; i++) {
      const error = await codec.decode(topics.paymentCommands.name, bytes).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect(String(error)).toMatch(/does not carry riel\.events\.PaymentRefused/);
    }
  });
});
