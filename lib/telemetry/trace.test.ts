// One event's spans reach an OTLP/HTTP collector linked: webhook request → store → step → outbound request.
// The collector is a node:http server on loopback decoding the exporter's JSON; the provider a second one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { flushTraces, startTracing, stopTracing, tracesUrl } from "./start";
import { annotate, TRACE_ATTR, traceCarrier, traced, tracedRoute, tracingEnabled, withTraceCarrier } from "./trace";

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
};
type Received = { path: string; contentType: string; resource: Record<string, unknown>; spans: OtlpSpan[] };

const received: Received[] = [];
const providerHeaders: http.IncomingHttpHeaders[] = [];
let collector: http.Server;
let provider: http.Server;
let collectorUrl: string;
let providerUrl: string;

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** OTLP JSON carries ids as hex (the spec) — base64 is accepted too, as some SDK versions sent. */
const hex = (id: string | undefined) =>
  !id ? undefined : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, "base64").toString("hex");
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.boolValue);
};

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const parsed = JSON.parse(body) as {
        resourceSpans: { resource: { attributes: OtlpSpan["attributes"] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of parsed.resourceSpans) {
        const resource = Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue]));
        const spans = rs.scopeSpans
          .flatMap((s) => s.spans)
          .map((s) => ({
            ...s,
            traceId: hex(s.traceId)!,
            spanId: hex(s.spanId)!,
            parentSpanId: hex(s.parentSpanId),
          }));
        received.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), resource, spans });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  // A stand-in for HubSpot/Zendesk: 200, except /fail answers 500.
  provider = http.createServer((req, res) => {
    providerHeaders.push(req.headers);
    res.writeHead(req.url?.startsWith("/fail") ? 500 : 200, { "content-type": "application/json" }).end("{}");
  });
  collectorUrl = await listen(collector);
  providerUrl = await listen(provider);
});

afterEach(async () => {
  await stopTracing();
  received.length = 0;
  providerHeaders.length = 0;
});

afterAll(async () => {
  await new Promise((r) => collector.close(r));
  await new Promise((r) => provider.close(r));
});

/** node:http's client, as Stripe's SDK and HubSpot's node-fetch use it. */
function nodeHttpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

/** Every span the collector has received so far, after flushing the batch. */
async function exported(): Promise<OtlpSpan[]> {
  await flushTraces();
  return received.flatMap((r) => r.spans);
}

describe("traces exported over OTLP/HTTP", () => {
  it("links one event's spans: request → store → step → outbound (fetch and node:http), with its ids", async () => {
    startTracing({ endpoint: `${collectorUrl}/`, version: "9.9.9" });
    expect(tracingEnabled()).toBe(true);
    const correlationId = "corr-123";
    // The webhook route as the routes wire it: tracedRoute around the handler, the ids added once stored.
    const POST = tracedRoute("/api/webhooks/stripe", async () => {
      const eventId = await traced("ingest.store", { [TRACE_ATTR.source]: "stripe" }, async (span) => {
        span.setAttributes({ [TRACE_ATTR.eventId]: "evt_1", [TRACE_ATTR.correlationId]: correlationId });
        return "evt_1";
      });
      annotate({ [TRACE_ATTR.eventId]: eventId, [TRACE_ATTR.correlationId]: correlationId });
      await traced(
        "pipeline.step",
        {
          [TRACE_ATTR.step]: "hubspot.upsert",
          [TRACE_ATTR.eventId]: eventId,
          [TRACE_ATTR.correlationId]: correlationId,
        },
        async () => {
          // The email and the query string must not reach the collector.
          const res = await fetch(
            `${providerUrl}/crm/v3/objects/contacts/jane.doe@example.com?idProperty=email&hapikey=secret`,
          );
          await res.text();
          expect(await nodeHttpGet(`${providerUrl}/v1/customers/cus_1`)).toBe(200);
        },
      );
      await expect(
        traced("pipeline.step", { [TRACE_ATTR.step]: "zendesk.ticket", [TRACE_ATTR.eventId]: eventId }, async () => {
          const res = await fetch(`${providerUrl}/fail`, { method: "POST", body: "{}" });
          throw new Error(`Zendesk answered ${res.status}`);
        }),
      ).rejects.toThrow("Zendesk answered 500");
      return Response.json({ received: true, id: eventId });
    });
    const res = await POST(new Request("http://127.0.0.1:3000/api/webhooks/stripe", { method: "POST", body: "{}" }));
    expect(res.status).toBe(200);

    const spans = await exported();
    expect(received[0]).toMatchObject({ path: "/v1/traces", contentType: expect.stringContaining("application/json") });
    expect(received[0]!.resource).toMatchObject({ "service.name": "founder-ops-console", "service.version": "9.9.9" });
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const [request] = byName("POST /api/webhooks/stripe");
    const [store] = byName("ingest.store");
    const [hubspotStep, zendeskStep] = byName("pipeline.step");
    const outbound = byName("GET 127.0.0.1");
    const failed = byName("POST 127.0.0.1");
    expect(spans).toHaveLength(7);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(request!.parentSpanId).toBeFalsy();
    expect(request!.kind).toBe(2); // SERVER
    expect(attr(request!, "http.response.status_code")).toBe(200);
    expect(attr(request!, TRACE_ATTR.eventId)).toBe("evt_1");
    expect(store!.parentSpanId).toBe(request!.spanId);
    expect(hubspotStep!.parentSpanId).toBe(request!.spanId);
    expect(zendeskStep!.parentSpanId).toBe(request!.spanId);
    expect(outbound.map((s) => s.parentSpanId)).toEqual([hubspotStep!.spanId, hubspotStep!.spanId]);
    expect(failed[0]!.parentSpanId).toBe(zendeskStep!.spanId);

    expect(attr(request!, TRACE_ATTR.correlationId)).toBe(correlationId);
    expect(attr(store!, TRACE_ATTR.eventId)).toBe("evt_1");
    expect(attr(hubspotStep!, TRACE_ATTR.step)).toBe("hubspot.upsert");
    expect(outbound.map((s) => attr(s, "url.full")).sort()).toEqual([
      `${providerUrl}/crm/v3/objects/contacts/j***@example.com`,
      `${providerUrl}/v1/customers/cus_1`,
    ]);
    expect(outbound.every((s) => s.kind === 3 && attr(s, "http.response.status_code") === 200)).toBe(true);
    // A 500 and a thrown step are errors (status code 2), with the message.
    expect(failed[0]!.status).toMatchObject({ code: 2, message: "HTTP 500" });
    expect(zendeskStep!.status).toMatchObject({ code: 2, message: "Zendesk answered 500" });
    expect(request!.status?.code ?? 0).toBe(0);
    // fetch carried the outbound span as traceparent, so our own backend can continue the trace.
    const fetchSpan = outbound.find((s) => String(attr(s, "url.full")).includes("/crm/"))!;
    expect(providerHeaders[0]!.traceparent).toBe(`00-${fetchSpan.traceId}-${fetchSpan.spanId}-01`);
    // The exporter's own posts to the collector are not traced.
    expect(spans.some((s) => String(attr(s, "url.full")).startsWith(collectorUrl))).toBe(false);
  });

  it("continues a trace across a job queue through a carrier; outbound requests outside any span get none", async () => {
    startTracing({ endpoint: collectorUrl });
    const carrier = traced("webhook.request", {}, () => traceCarrier());
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withTraceCarrier(carrier, () => traced("pipeline.step", {}, async () => {}));
    await (await fetch(`${providerUrl}/background`)).text();
    const spans = await exported();
    expect(spans.map((s) => s.name).sort()).toEqual(["pipeline.step", "webhook.request"]);
    const [step] = spans.filter((s) => s.name === "pipeline.step");
    const [request] = spans.filter((s) => s.name === "webhook.request");
    expect(step!.traceId).toBe(request!.traceId);
    expect(step!.parentSpanId).toBe(request!.spanId);
  });

  it("marks a webhook request failed when the route answers 5xx or throws", async () => {
    startTracing({ endpoint: collectorUrl });
    const down = tracedRoute("/api/webhooks/app", async () => Response.json({ error: "x" }, { status: 503 }));
    const crash = tracedRoute("/api/webhooks/zendesk", async () => {
      throw new Error("database gone for jane@example.com (Bearer abcdefgh123456)");
    });
    const bad = tracedRoute("/api/webhooks/stripe", async () => Response.json({ error: "x" }, { status: 400 }));
    const req = () => new Request("http://127.0.0.1:3000/x", { method: "POST" });
    expect((await down(req())).status).toBe(503);
    await expect(crash(req())).rejects.toThrow("database gone for jane@example.com");
    expect((await bad(req())).status).toBe(400);
    const spans = await exported();
    const status = (name: string) => spans.find((s) => s.name === name)?.status;
    expect(status("POST /api/webhooks/app")).toMatchObject({ code: 2, message: "HTTP 503" });
    // The collector is told what failed, without the customer's email or a credential.
    expect(status("POST /api/webhooks/zendesk")).toMatchObject({
      code: 2,
      message: "database gone for j***@example.com ([redacted])",
    });
    expect(JSON.stringify(spans)).not.toMatch(/jane@|abcdefgh123456/);
    // A refused delivery (4xx) is the sender's problem, not a failure of this service.
    expect(status("POST /api/webhooks/stripe")?.code ?? 0).toBe(0);
  });

  it("records a refused node:http connection as a failed outbound span", async () => {
    startTracing({ endpoint: collectorUrl });
    await traced("pipeline.step", {}, () => nodeHttpGet("http://127.0.0.1:1/v1/charges").catch(() => null));
    const spans = await exported();
    const outbound = spans.find((s) => s.name === "GET 127.0.0.1");
    expect(outbound?.status).toMatchObject({ code: 2, message: expect.stringContaining("ECONNREFUSED") });
  });
});

describe("tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)", () => {
  it("exports nothing, passes a non-recording span and an empty carrier, and keeps errors unchanged", async () => {
    expect(tracingEnabled()).toBe(false);
    const err = new Error("boom");
    expect(() =>
      traced("x", {}, () => {
        throw err;
      }),
    ).toThrow(err);
    const result = await traced("x", {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      await (await fetch(`${providerUrl}/off`)).text();
      return 42;
    });
    expect(result).toBe(42);
    expect(traced("x", {}, () => traceCarrier())).toEqual({});
    expect(providerHeaders[0]!.traceparent).toBeUndefined();
    await flushTraces();
    expect(received).toHaveLength(0);
  });

  it("costs next to nothing: a traced call is within a fraction of a microsecond of a direct one", () => {
    const attrs = { [TRACE_ATTR.eventId]: "evt_1" };
    const fn = () => 1;
    const time = (run: () => void) => {
      const start = process.hrtime.bigint();
      run();
      return Number(process.hrtime.bigint() - start) / 1e6; // ms
    };
    const n = 200_000;
    let sink = 0;
    const direct = () =>
      time(() => {
        for (let i = 0; i < n; i++) sink += fn();
      });
    const wrapped = () =>
      time(() => {
        for (let i = 0; i < n; i++) sink += traced("step", attrs, fn);
      });
    // Best of five of each, after a warm-up: on a shared machine the slowest runs measure the neighbours.
    direct();
    wrapped();
    const best = (run: () => number) => Math.min(...Array.from({ length: 5 }, run));
    const perCallNs = (Math.max(0, best(wrapped) - best(direct)) * 1e6) / n;
    console.info(`traced() with tracing off: ${perCallNs.toFixed(1)} ns per call over a direct call`);
    expect(sink).toBe(12 * n);
    expect(perCallNs).toBeLessThan(500);
  });
});

describe("tracesUrl", () => {
  it("appends /v1/traces to the collector's base URL as the OTLP/HTTP convention says", () => {
    expect(tracesUrl("http://localhost:4318")).toBe("http://localhost:4318/v1/traces");
    expect(tracesUrl("https://otlp.example.com/otlp/")).toBe("https://otlp.example.com/otlp/v1/traces");
  });
});

describe("OTEL_ settings", () => {
  it("takes an http(s) collector URL and names the variable when it is anything else", () => {
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318" })).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318",
      OTEL_SERVICE_NAME: "founder-ops-console",
    });
    expect(parseEnv({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ OTEL_SERVICE_NAME: "ops-eu" }).OTEL_SERVICE_NAME).toBe("ops-eu");
    for (const bad of ["localhost:4318", "grpc://collector:4317", "not a url"])
      expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: bad })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be/);
  });
});
