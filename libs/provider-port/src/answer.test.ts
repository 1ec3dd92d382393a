import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readAnswer } from "./answer.js";

describe("readAnswer", () => {
  it("reads an answer whole, a character split across chunks included", async () => {
    const bytes = Buffer.from('{"message":"pagamento concluído"}');
    const split = bytes.indexOf(0xc3) + 1;
    expect(await readAnswer(Readable.from([bytes.subarray(0, split), bytes.subarray(split)]))).toBe('{"message":"pagamento concluído"}');
    expect(await readAnswer(Readable.from([]))).toBe("");
  });

  it("stops reading an answer longer than the limit, and says so", async () => {
    let produced = 0;
    // An answer that never ends: the reader must stop it.
    const endless = new Readable({
      read() {
        produced += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, "a"));
      },
    });
    expect(await readAnswer(endless, 1024 * 1024)).toBeNull();
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(await readAnswer(Readable.from([Buffer.alloc(1024 * 1024, "a")]), 1024 * 1024)).toHaveLength(1024 * 1024);
  });
});
