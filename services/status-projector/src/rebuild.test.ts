import { describe, expect, it } from "vitest";
import { topics } from "@riel/schemas";
import type { RebuildRecord } from "./rebuild.js";
import { inOrder } from "./rebuild.js";

const record = (topic: string, type: string, offset: number, timestamp: number): RebuildRecord =>
  ({ topic, type, offset, timestamp, partition: 0, key: "p", headers: {}, attempt: 1, value: { envelope: { paymentId: "p" } } }) as unknown as RebuildRecord;
const C = topics.paymentCommands.name;
const E = topics.providerEvents.name;

describe("the order a rebuild applies a payment's records in", () => {
  it("keeps each topic's offsets, merges the topics by time, and starts with the InitiatePayment", () => {
    const list = [
      record(E, "riel.events.ProviderReported", 11, 1_005), // written by the webhook receiver, whose clock runs ahead
      record(E, "riel.events.ProviderReported", 12, 1_001), // by a connector: later on the topic, earlier by its clock
      record(C, "riel.commands.RefundPayment", 40, 1_003),
      record(E, "riel.events.ProviderReported", 10, 990),
      record(C, "riel.commands.InitiatePayment", 7, 995),
      record(C, "riel.commands.ConfirmPayment", 20, 1_000),
    ];
    expect(inOrder(list).map((r) => `${r.topic === C ? "C" : "E"}${r.offset}`)).toEqual(["C7", "E10", "C20", "C40", "E11", "E12"]);
  });
});
