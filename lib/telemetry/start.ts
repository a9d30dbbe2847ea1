// Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (instrumentation.ts calls this
// once per process, under `next start`, `next dev` and server.ts alike). Spans go in batches over OTLP/HTTP
// (JSON) to `<endpoint>/v1/traces`; the exporter itself reads OTEL_EXPORTER_OTLP_HEADERS (e.g. an API key
// for Honeycomb or Grafana Cloud), so no collector credential passes through this code.
import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { traceOutboundRequests, untraceOutboundRequests } from "./outbound";
import { setTracingEnabled, tracingEnabled } from "./trace";

export const DEFAULT_SERVICE_NAME = "founder-ops-console";

export type TracingOptions = {
  /** The collector's base URL, as in OTEL_EXPORTER_OTLP_ENDPOINT (http://localhost:4318). */
  endpoint: string;
  serviceName?: string;
  version?: string;
  /** Tests pass their own exporter; otherwise OTLP/HTTP to the endpoint. */
  exporter?: SpanExporter;
};

const PROVIDER = Symbol.for("founder-ops.tracer-provider");
type Slot = { [PROVIDER]?: NodeTracerProvider };

/** Where spans are posted: the OTLP/HTTP convention appends /v1/traces to the base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}

/** Registers the global tracer provider and the outbound-request spans; a second call does nothing. */
export function startTracing(options: TracingOptions): void {
  const slot = globalThis as Slot;
  if (slot[PROVIDER]) return;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName ?? DEFAULT_SERVICE_NAME,
      ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
    }),
    spanProcessors: [
      new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter({ url: tracesUrl(options.endpoint) })),
    ],
  });
  // The AsyncLocalStorage context manager and the W3C traceparent propagator.
  provider.register();
  slot[PROVIDER] = provider;
  traceOutboundRequests();
  setTracingEnabled(true);
}

/** Sends what is buffered (tests; a graceful shutdown) without stopping. */
export async function flushTraces(): Promise<void> {
  await (globalThis as Slot)[PROVIDER]?.forceFlush();
}

/** Flushes and stops: later spans are not recorded (a graceful shutdown; tests). */
export async function stopTracing(): Promise<void> {
  const slot = globalThis as Slot;
  const provider = slot[PROVIDER];
  if (!provider) return;
  setTracingEnabled(false);
  untraceOutboundRequests();
  slot[PROVIDER] = undefined;
  await provider.shutdown();
  // Unregistered too, so a later startTracing (tests) can register a fresh provider.
  trace.disable();
  context.disable();
  propagation.disable();
}

export { tracingEnabled };
