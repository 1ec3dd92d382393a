import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, tracesUrl } from "./tracing.js";

describe("startTracing", () => {
  const posts: string[] = [];
  let endpoint: string;
  const server = createServer((req, res) => {
    posts.push(`${req.method ?? ""} ${req.url ?? ""}`);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  it("exports nothing without OTEL_EXPORTER_OTLP_ENDPOINT, and still carries the incoming trace", async () => {
    const stop = startTracing("test-service", { OTEL_EXPORTER_OTLP_ENDPOINT: "" });
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const span = trace.getTracer("test").startSpan("work", {}, parent);
    expect(span.isRecording()).toBe(false);
    const carrier: Record<string, string> = {};
    context.with(trace.setSpan(parent, span), () => propagation.inject(context.active(), carrier));
    span.end();
    expect(carrier.traceparent).toBe(incoming);
    await stop();
    expect(posts).toEqual([]);
  });

  it("exports spans by OTLP/HTTP to the endpoint when it is set", async () => {
    const stop = startTracing("test-service", { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` });
    const span = trace.getTracer("test").startSpan("work", {}, propagation.extract(ROOT_CONTEXT, { traceparent: incoming }));
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    span.end();
    await stop();
    expect(posts).toEqual(["POST /v1/traces"]);
    expect(trace.getTracer("test").startSpan("after").isRecording()).toBe(false);
  });

  it("builds the traces URL under the endpoint", () => {
    expect(tracesUrl("http://collector:4318")).toBe("http://collector:4318/v1/traces");
    expect(tracesUrl("http://collector:4318/otlp/")).toBe("http://collector:4318/otlp/v1/traces");
  });

  it("refuses an endpoint that is not an http(s) URL", () => {
    expect(() => startTracing("test-service", { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
