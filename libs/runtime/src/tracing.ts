import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { z } from "zod";
import type { Env } from "@riel/config";
import { loadConfig, vars } from "@riel/config";

const tracingSchema = z.object({
  // Empty counts as unset, as docker-compose passes an unset variable through as "".
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === "" ? undefined : v), vars.httpUrl("http://otel-collector:4318").optional()),
});

/**
 * W3C trace context (`traceparent`, `tracestate`) and a context that follows async calls.
 * Registered whatever the export: without a tracer provider the API's spans record nothing but
 * still carry the incoming context, so an upstream's trace id reaches Kafka headers, the
 * provider and the callback even when Riel exports nothing. The API keeps the first
 * registration; a second call changes nothing.
 */
function registerPropagation(): void {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** OTLP/HTTP's traces path under the endpoint, as the OpenTelemetry specification builds it. */
export const tracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, "")}/v1/traces`;

/**
 * Tracing for one service (or the embedded process): context propagation always, and spans
 * exported by OTLP/HTTP (batched, off the payment's path) only when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, under `service.name` = `service`. The exporter's other settings (OTEL_EXPORTER_OTLP_HEADERS,
 * certificates, timeout) are read by the exporter itself. Returns what ends it: exports what is
 * left and stops; it never throws.
 */
export function startTracing(service: string, env: Env): () => Promise<void> {
  registerPropagation();
  const endpoint = loadConfig(tracingSchema, env).OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined) return async () => {};
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(endpoint) }), exportTimeoutMillis: 10_000 })],
  });
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown().catch(() => {});
    trace.disable();
  };
}

/** Spans ended in this process, kept in memory: for tests. */
export interface TraceRecorder {
  /** Every span ended so far, once `flush` resolved. */
  spans(): readonly ReadableSpan[];
  flush(): Promise<void>;
  /** Unregisters the tracer provider. */
  stop(): Promise<void>;
}

/**
 * Test hook: registers propagation and a tracer provider that keeps every span in memory,
 * replacing any tracer provider registered before.
 */
export function recordTracesInMemory(service = "riel"): TraceRecorder {
  registerPropagation();
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ "service.name": service }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  return {
    spans: () => exporter.getFinishedSpans(),
    flush: () => provider.forceFlush(),
    async stop() {
      trace.disable();
      await provider.shutdown();
    },
  };
}
