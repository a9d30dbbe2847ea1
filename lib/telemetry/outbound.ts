// A client span per outbound HTTP request (HubSpot, Zendesk, Intercom, Stripe, the app callback) without
// touching the SDKs: Node publishes every request on diagnostics channels, fetch's through undici
// (Zendesk, Intercom, the app callback) and node:http's (Stripe's client, HubSpot's node-fetch).
// Only requests made inside a span get one, so background chatter (the job driver's polling) is left out;
// the exporter's own requests run with tracing suppressed and get a non-recording span, never exported.
import diagnostics from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { maskEmailsIn } from "@/lib/monitoring/mask";
import { fail, TRACER_NAME } from "./trace";

/** The fields of undici's request object these subscribers read (undici:request:* messages). */
type UndiciRequest = {
  origin: string | URL;
  method: string;
  path: string;
  addHeader(name: string, value: string): unknown;
};

const spans = new WeakMap<object, Span>();

/**
 * Starts a client span for a request to `origin` + `path`. The URL is written without its query string
 * (a token may sit there) and with any email in the path masked (HubSpot looks contacts up by email).
 */
function startClientSpan(request: object, method: string, origin: string, path: string): Span | undefined {
  const parent = context.active();
  if (!trace.getSpan(parent)) return undefined;
  const host = safeHost(origin);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `${method} ${host}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_FULL]: maskEmailsIn(`${origin}${path.split("?")[0]}`),
        [ATTR_SERVER_ADDRESS]: host,
      },
    },
    parent,
  );
  if (!span.isRecording()) return undefined;
  spans.set(request, span);
  return span;
}

function safeHost(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return "unknown";
  }
}

/** Ends a request's span with its response status (4xx/5xx mark it failed, as OTel's HTTP client spans do). */
function finish(request: object, status: number) {
  const span = spans.get(request);
  if (!span) return;
  spans.delete(request);
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
  span.end();
}

function failed(request: object, error: unknown) {
  const span = spans.get(request);
  if (!span) return;
  spans.delete(request);
  fail(span, error);
  span.end();
}

const handlers: [string, (message: unknown) => void][] = [
  [
    "undici:request:create",
    (m) => {
      const { request } = m as { request: UndiciRequest };
      const span = startClientSpan(request, request.method, String(request.origin).replace(/\/$/, ""), request.path);
      // Our own backend (the app callback) can continue the trace; third parties ignore the header.
      if (span) {
        const headers: Record<string, string> = {};
        propagation.inject(trace.setSpan(context.active(), span), headers);
        for (const [name, value] of Object.entries(headers)) request.addHeader(name, value);
      }
    },
  ],
  // The span ends at the response headers: a body never read would otherwise keep it open forever.
  [
    "undici:request:headers",
    (m) => {
      const { request, response } = m as { request: object; response: { statusCode: number } };
      finish(request, response.statusCode);
    },
  ],
  ["undici:request:error", (m) => failed((m as { request: object }).request, (m as { error: unknown }).error)],
  [
    "http.client.request.start",
    (m) => {
      const { request } = m as { request: ClientRequest };
      const origin = `${request.protocol}//${String(request.getHeader("host") ?? request.host)}`;
      if (!startClientSpan(request, request.method, origin, request.path)) return;
      // Aborted before any answer and without an error event: end the span rather than leave it open.
      request.once("close", () => failed(request, new Error("request closed before a response")));
    },
  ],
  [
    "http.client.response.finish",
    (m) => {
      const { request, response } = m as { request: ClientRequest; response: IncomingMessage };
      finish(request, response.statusCode ?? 0);
    },
  ],
  ["http.client.request.error", (m) => failed((m as { request: object }).request, (m as { error: unknown }).error)],
];

let subscribed = false;

/** Starts making outbound spans (idempotent). */
export function traceOutboundRequests() {
  if (subscribed) return;
  subscribed = true;
  for (const [name, handler] of handlers) diagnostics.subscribe(name, handler);
}

/** Stops (tests, shutdown). */
export function untraceOutboundRequests() {
  if (!subscribed) return;
  subscribed = false;
  for (const [name, handler] of handlers) diagnostics.unsubscribe(name, handler);
}
