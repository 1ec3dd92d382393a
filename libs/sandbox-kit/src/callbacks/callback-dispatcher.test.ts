import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startCallbackReceiver, type CallbackReceiver } from "../testing/callback-receiver.js";
import { CallbackDispatcher, resolveRetryPolicy, type CallbackRecord, type RetryPolicy } from "./callback-dispatcher.js";
import { hmacSigner } from "./hmac-signature.js";
import { postJson } from "./post-json.js";

const SIGNATURE_HEADER = "x-test-signature";

const FAST: RetryPolicy = { maxAttempts: 5, baseDelayMs: 0, maxDelayMs: 0, attemptTimeoutMs: 5_000 };

let receiver: CallbackReceiver | undefined;
let lifetime: AbortController | undefined;

afterEach(async () => {
  lifetime?.abort();
  await receiver?.close();
  lifetime = undefined;
  receiver = undefined;
});

function dispatcher(options: { retry?: RetryPolicy; signingSecret?: string; onGiveUp?: (stream: string, r: CallbackRecord) => void } = {}) {
  lifetime = new AbortController();
  const errors: unknown[] = [];
  const d = new CallbackDispatcher({
    post: postJson,
    retry: options.retry ?? FAST,
    sign: options.signingSecret === undefined ? undefined : hmacSigner({ header: SIGNATURE_HEADER, secret: options.signingSecret }),
    now: () => new Date("2025-05-30T11:14:25.115Z"),
    signal: lifetime.signal,
    onError: (error) => errors.push(error),
    onGiveUp: options.onGiveUp,
  });
  return { d, errors };
}

/** A port on 127.0.0.1 with nothing listening: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("CallbackDispatcher", () => {
  it("posts JSON to the URL exactly as given, secret path segment, dot segment and query included", async () => {
    receiver = await startCallbackReceiver();
    const { d } = dispatcher();
    const target = "/hooks/./s3cr3t%2Fpart/depay?token=a%2Fb&x=1";
    d.dispatch("order-1", { url: `${receiver.url}${target}#fragment`, label: "preview", body: '{"amount":10.10}' });
    await d.idle();
    expect(receiver.received).toHaveLength(1);
    const [callback] = receiver.received;
    expect(callback?.target).toBe(target);
    expect(callback?.headers["content-type"]).toBe("application/json");
    expect(callback?.body).toBe('{"amount":10.10}');
    expect(callback?.headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  it("delivers the callbacks of one stream in the order dispatched, even when one needs retries", async () => {
    receiver = await startCallbackReceiver();
    receiver.respondWith(500, 503);
    const { d } = dispatcher();
    for (const status of ["PROCESSING", "COMPLETED"]) {
      d.dispatch("order-1", { url: `${receiver.url}/cb`, label: status, body: JSON.stringify({ status }) });
    }
    await d.idle();
    expect(receiver.received.map((r) => [JSON.parse(r.body) as unknown, r.answeredWith])).toEqual([
      [{ status: "PROCESSING" }, 500],
      [{ status: "PROCESSING" }, 503],
      [{ status: "PROCESSING" }, 200],
      [{ status: "COMPLETED" }, 200],
    ]);
    expect(d.records("order-1").map((r) => [r.label, r.state, r.attempts])).toEqual([
      ["PROCESSING", "delivered", 3],
      ["COMPLETED", "delivered", 1],
    ]);
    expect(d.totals()).toEqual({ enqueued: 2, delivered: 2, failed: 0, attempts: 4 });
  });

  it("gives up after maxAttempts and goes on with the next callback", async () => {
    receiver = await startCallbackReceiver();
    receiver.respondWith(500, 500, 500);
    const givenUp: string[] = [];
    const { d } = dispatcher({ retry: { ...FAST, maxAttempts: 3 }, onGiveUp: (stream, r) => givenUp.push(`${stream}:${r.label}`) });
    d.dispatch("order-1", { url: `${receiver.url}/cb`, label: "PROCESSING", body: "{}" });
    d.dispatch("order-1", { url: `${receiver.url}/cb`, label: "COMPLETED", body: "{}" });
    await d.idle();
    expect(receiver.received).toHaveLength(4);
    expect(d.records("order-1")).toEqual([
      expect.objectContaining({ label: "PROCESSING", state: "failed", attempts: 3, lastStatusCode: 500 }),
      expect.objectContaining({ label: "COMPLETED", state: "delivered", attempts: 1, lastStatusCode: 200 }),
    ]);
    expect(givenUp).toEqual(["order-1:PROCESSING"]);
  });

  it("retries network errors up to the limit and records the error", async () => {
    receiver = await startCallbackReceiver();
    const port = await closedPort();
    const { d, errors } = dispatcher({ retry: { ...FAST, maxAttempts: 2 } });
    d.dispatch("order-1", { url: `http://127.0.0.1:${port}/cb`, label: "preview", body: "{}" });
    await d.idle();
    const [record] = d.records("order-1");
    expect(record).toMatchObject({ state: "failed", attempts: 2, lastStatusCode: null });
    expect(record?.lastError).toMatch(/ECONNREFUSED/);
    expect(errors).toEqual([]);
  });

  it("signs the body when a secret is configured", async () => {
    receiver = await startCallbackReceiver();
    const { d } = dispatcher({ signingSecret: "whsec-test-secret" });
    const body = '{"status":"COMPLETED"}';
    d.dispatch("order-1", { url: `${receiver.url}/cb`, label: "COMPLETED", body });
    await d.idle();
    const header = receiver.received[0]?.headers[SIGNATURE_HEADER];
    const t = String(Math.floor(new Date("2025-05-30T11:14:25.115Z").getTime() / 1000));
    const v1 = createHmac("sha256", "whsec-test-secret").update(`${t}.${body}`).digest("hex");
    expect(header).toBe(`t=${t},v1=${v1}`);
  });

  it("keeps streams independent: a failing order does not hold up another", async () => {
    receiver = await startCallbackReceiver();
    const receiverPort = new URL(receiver.url).port;
    const port = await closedPort();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    lifetime = new AbortController();
    const d = new CallbackDispatcher({
      // The first stream's transport waits on a gate that opens only after the second stream delivered.
      post: async (url, body, headers, options) => {
        if (url.includes(String(port))) await gate;
        return postJson(url.replace(String(port), receiverPort), body, headers, options);
      },
      retry: FAST,
      now: () => new Date(),
      signal: lifetime.signal,
      onError: () => {},
    });
    d.dispatch("slow", { url: `http://127.0.0.1:${port}/slow`, label: "a", body: "{}" });
    d.dispatch("fast", { url: `${receiver.url}/fast`, label: "b", body: "{}" });
    const [first] = await receiver.waitFor(1);
    expect(first?.target).toBe("/fast");
    release();
    await d.idle();
    expect(receiver.received.map((r) => r.target)).toEqual(["/fast", "/slow"]);
  });

  it("checks a retry policy field by field, naming the option", () => {
    expect(resolveRetryPolicy({ maxAttempts: 2 }, "callbackRetry")).toMatchObject({ maxAttempts: 2, baseDelayMs: 100 });
    expect(() => resolveRetryPolicy({ maxAttempts: 0 }, "callbackRetry")).toThrow(/callbackRetry\.maxAttempts/);
    expect(() => resolveRetryPolicy({ baseDelayMs: -1 })).toThrow(/retry\.baseDelayMs/);
    expect(() => resolveRetryPolicy({ attemptTimeoutMs: 0 })).toThrow(/attemptTimeoutMs/);
  });
});
