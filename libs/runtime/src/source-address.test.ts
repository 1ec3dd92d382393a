import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { sourceAddress } from "./source-address.js";

/** The address `sourceAddress` reads for a request from `peer`, behind `trusted` proxies. */
async function sourceOf(peer: string | undefined, forwardedFor: string | undefined, trusted: string[] = []): Promise<string> {
  const app = new Hono();
  app.get("/", (c) => c.text(sourceAddress(c, new Set(trusted))));
  const env = peer === undefined ? {} : { incoming: { socket: { remoteAddress: peer, remotePort: 40000, remoteFamily: "IPv4" } } };
  const res = await app.fetch(new Request("http://riel/", { headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }), env);
  return res.text();
}

describe("the source address of a request", () => {
  it("is the socket's peer, whatever X-Forwarded-For claims, unless the peer is a trusted proxy", async () => {
    expect(await sourceOf("203.0.113.9", undefined)).toBe("203.0.113.9");
    expect(await sourceOf("::ffff:203.0.113.9", "1.2.3.4")).toBe("203.0.113.9");
    // Behind a trusted proxy: the right-most address no trusted proxy added; a client's own entries to the left are not believed.
    expect(await sourceOf("10.0.0.2", "6.6.6.6, 198.51.100.7", ["10.0.0.2"])).toBe("198.51.100.7");
    expect(await sourceOf("10.0.0.2", "198.51.100.7, 10.0.0.3", ["10.0.0.2", "10.0.0.3"])).toBe("198.51.100.7");
    expect(await sourceOf("10.0.0.2", undefined, ["10.0.0.2"])).toBe("10.0.0.2");
    expect(await sourceOf(undefined, "1.2.3.4")).toBe("unknown");
  });
});
