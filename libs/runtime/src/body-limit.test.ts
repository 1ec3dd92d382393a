import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { limitBody } from "./body-limit.js";

/** A body that sends `first` and then breaks, as a connection closed half-way through an upload does. */
const cutShort = (first: string): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
      controller.error(new Error("aborted"));
    },
  });

function app(handler: (text: string) => Response = (text) => new Response(text)) {
  const app = new Hono();
  app.use("*", limitBody(16));
  app.post("/", async (c) => handler(await c.req.text()));
  app.onError(() => new Response("server error", { status: 503 }));
  return app;
}

const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request => new Request("http://x/", { method: "POST", body, headers, duplex: "half" });

describe("limitBody", () => {
  it("passes a body within the limit, with or without a length, and refuses a longer one with 413", async () => {
    expect(await (await app().request(post("0123456789abcdef"))).text()).toBe("0123456789abcdef");
    expect((await app().request(post(new Blob(["0123456789abcdef"]).stream()))).status).toBe(200);
    expect((await app().request(post("0123456789abcdefg"))).status).toBe(413);
    expect((await app().request(post(new Blob(["0123456789abcdefg"]).stream()))).status).toBe(413);
  });

  it("answers a body without a length that stops half-way with 400, not as a server error", async () => {
    const res = await app().request(post(cutShort("{")));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ title: "Body cut short", errors: [{ field: "body", rule: "must arrive whole" }] });
  });

  it("leaves the handler's own failures to the app's error handler", async () => {
    const failing = app(() => {
      throw new Error("broker unreachable");
    });
    expect((await failing.request(post(new Blob(["{}"]).stream()))).status).toBe(503);
  });
});
