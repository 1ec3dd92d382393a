import { describe, expect, it } from "vitest";
import type { Codec } from "@riel/schemas";
import { DecodeError } from "@riel/schemas";
import type { RawIncoming, RawRecord } from "../types.js";
import { deadLetterHeaders } from "../types.js";
import { createProcessor } from "./index.js";

const record: RawIncoming = { topic: "t", partition: 0, offset: 7, key: "k", value: Buffer.from("x"), headers: {} };
const retry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

function processor(codec: Partial<Codec>, send: (records: readonly RawRecord[]) => Promise<void>, handled: unknown[]) {
  return createProcessor({
    codec: { start: async () => {}, encode: async () => Buffer.alloc(0), decode: async () => ({ type: "T", value: 1 }), ...codec },
    handler: async (r) => void handled.push(r.value),
    retry,
    deadLetterTopic: (t) => `${t}.dlq`,
    send,
    encode: async () => ({ topic: "", key: "", value: Buffer.alloc(0), headers: {} }),
    isKilled: () => false,
    raw: false,
    log: () => {},
  });
}

describe("record processor", () => {
  it("retries a decode that failed for want of the registry, instead of dead-lettering the record", async () => {
    let calls = 0;
    const handled: unknown[] = [];
    const sent: RawRecord[] = [];
    const process = processor(
      {
        decode: async () => {
          if (++calls === 1) throw new Error("registry unreachable");
          return { type: "T", value: "decoded" };
        },
      },
      async (r) => void sent.push(...r),
      handled,
    );
    await process(record);
    expect(handled).toEqual(["decoded"]);
    expect(sent).toEqual([]);
  });

  it("keeps trying to write a dead letter until it is durable", async () => {
    let sends = 0;
    const sent: RawRecord[] = [];
    const process = processor(
      { decode: async () => Promise.reject(new DecodeError("not avro")) },
      async (r) => {
        if (++sends <= 2) throw new Error("broker unreachable");
        sent.push(...r);
      },
      [],
    );
    await process(record);
    expect(sends).toBe(3);
    expect(sent[0]?.topic).toBe("t.dlq");
    expect(sent[0]?.headers[deadLetterHeaders.reason]).toBe("DecodeError: not avro");
  });
});
