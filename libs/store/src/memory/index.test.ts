import { describe, expect, it } from "vitest";
import { runStoreContract } from "../contract/index.js";
import { createMemoryStore } from "./index.js";

runStoreContract({ name: "in-memory", create: async () => createMemoryStore() });

describe("in-memory store clock", () => {
  it("lets a lapsed claim be claimed again", async () => {
    let now = 1_000;
    const store = createMemoryStore(() => now);
    await store.idempotency.claim("k", "fp-1", 100);
    now += 100;
    expect(await store.idempotency.claim("k", "fp-2", 100)).toEqual({ kind: "CLAIMED" });
  });
});
