// Spans for one event's path (webhook request → store → each pipeline step → each outbound request), when
// tracing is on. Off (no OTEL_EXPORTER_OTLP_ENDPOINT) `traced` is one global read and a direct call: the
// webhook hot path pays nothing. Only @opentelemetry/api is imported here (small, no SDK): the SDK is
// loaded by lib/telemetry/start.ts from instrumentation.ts.
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  type Attributes,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { maskEmailsIn, maskSecretsIn } from "@/lib/monitoring/mask";

/** The span attributes that join a trace to the console's records (search for these in the collector). */
export const TRACE_ATTR = {
  correlationId: "app.correlation_id",
  eventId: "app.event_id",
  step: "app.step",
  source: "app.source",
  eventType: "app.event_type",
} as const;

export const TRACER_NAME = "founder-ops-console";

// On globalThis, not a module variable: Next bundles instrumentation.ts and the routes separately and
// server.ts loads the webhook routes outside the bundle, so each may hold its own copy of this module.
const ENABLED = Symbol.for("founder-ops.tracing-enabled");
type Flag = { [ENABLED]?: boolean };

/** Whether spans are being recorded and exported (set once by startTracing). */
export function tracingEnabled(): boolean {
  return (globalThis as Flag)[ENABLED] === true;
}

/** Called by startTracing/stopTracing only. */
export function setTracingEnabled(on: boolean) {
  (globalThis as Flag)[ENABLED] = on;
}

// What `fn` gets when tracing is off: a span that records nothing, so callers need no `if`.
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `fn` inside a span named `name` (a child of the current span), ending it when `fn` returns or its
 * promise settles; a throw or rejection marks the span as an error and is rethrown unchanged. With tracing
 * off it is `fn(noopSpan)`. Attributes left undefined are dropped, so `{ [TRACE_ATTR.eventId]: id }` with
 * an id not yet known is fine; set it later with `span.setAttribute`.
 */
export function traced<T>(
  name: string,
  attributes: Record<string, string | number | boolean | undefined>,
  fn: (span: Span) => T,
): T {
  if (!tracingEnabled()) return fn(NOOP_SPAN);
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes: defined(attributes) }, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      fail(span, err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          fail(span, err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

/**
 * Marks a span failed with the error's type, message and stack, credentials and emails masked (never the
 * error's fields: they may hold request data; the collector is a third party to the customers).
 */
export function fail(span: Span, err: unknown) {
  const error = err instanceof Error ? err : new Error(String(err));
  const clean = (text: string) => maskEmailsIn(maskSecretsIn(text));
  const message = clean(error.message);
  span.recordException({ name: error.name, message, stack: error.stack && clean(error.stack) });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function defined(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

/** The current trace and span ids for a log line, or undefined with tracing off or outside a span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  if (!tracingEnabled()) return undefined;
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : undefined;
}

/** W3C trace headers; carried with work that runs elsewhere (a job queue) so it joins the same trace. */
export type TraceCarrier = { traceparent?: string; tracestate?: string };

/** The current span as a carrier (empty with tracing off), e.g. into an Inngest event's data. */
export function traceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  if (tracingEnabled()) propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` as a continuation of the trace in `carrier` (from traceCarrier), or plainly without one. */
export function withTraceCarrier<T>(carrier: TraceCarrier | undefined, fn: () => T): T {
  if (!tracingEnabled() || !carrier?.traceparent) return fn();
  return context.with(propagation.extract(context.active(), carrier), fn);
}

/** Adds attributes to the current span, e.g. the event and correlation ids once stored; nothing when off. */
export function annotate(attributes: Record<string, string | number | boolean | undefined>): void {
  if (!tracingEnabled()) return;
  trace.getActiveSpan()?.setAttributes(defined(attributes));
}

/**
 * A route handler whose every request is a server span `POST /api/webhooks/stripe` with the response status
 * (5xx marks it failed): `export const POST = tracedRoute("/api/webhooks/stripe", handleStripeWebhook)`.
 * Under `next start` it nests in Next's own request span; via server.ts it is the trace's root.
 */
export function tracedRoute(
  route: string,
  handler: (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  return (req) => {
    if (!tracingEnabled()) return handler(req);
    const attributes = { "http.request.method": req.method, "http.route": route };
    return trace
      .getTracer(TRACER_NAME)
      .startActiveSpan(`${req.method} ${route}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
        try {
          const res = await handler(req);
          span.setAttribute("http.response.status_code", res.status);
          if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
          return res;
        } catch (err) {
          fail(span, err);
          throw err;
        } finally {
          span.end();
        }
      });
  };
}
