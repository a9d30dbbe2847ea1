// Log lines never carry a secret-looking key's value, however deep it sits; they are pino JSON lines.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { createPinoLogger, type Log, logTo, MAX_DEPTH, scrub } from "./log";
import { startTracing, stopTracing } from "./telemetry/start";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { traced } from "./telemetry/trace";

// Shaped like Stripe live keys (what the redaction must catch), assembled so no scanner mistakes them for real ones.
const FAKE_LIVE_SHORT = ["sk", "live", "1"].join("_");
const FAKE_LIVE_KEY = ["sk", "live", "51Habcdef0123"].join("_");

afterEach(async () => {
  await stopTracing();
});

/** A `log` writing to memory at `level`, and the lines it wrote (pino calls write() once per line). */
function memoryLog(level = "debug"): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: logTo(createPinoLogger(level, { write: (line: string) => lines.push(line) })), lines };
}

/** The JSON line log.error writes. */
function errorLine(fields: Record<string, unknown>): Record<string, unknown> {
  const { log, lines } = memoryLog();
  log.error("test.line", fields);
  expect(lines).toHaveLength(1);
  expect(lines[0]!.endsWith("\n")).toBe(true);
  return JSON.parse(lines[0]!);
}

describe("log redaction", () => {
  it("redacts top-level secret keys as before", () => {
    const line = errorLine({ eventId: "e1", password: "hunter2", apiKey: "k", authorization: "Bearer x" });
    expect(line).toMatchObject({ msg: "test.line", level: "error", eventId: "e1" });
    expect(line).toMatchObject({ password: "[redacted]", apiKey: "[redacted]", authorization: "[redacted]" });
  });

  it("redacts secret keys in nested objects and arrays", () => {
    const line = errorLine({
      request: { url: "/x", headers: { Authorization: `Bearer ${FAKE_LIVE_SHORT}`, accept: "json" } },
      items: [{ id: 1, card: { number: "4242" } }, { id: 2, client_secret: "pi_secret" }, "plain"],
      config: { stripe: { webhookSecret: "whsec_1", nested: [[{ access_token: "pat-1" }]] } },
    });
    const text = JSON.stringify(line);
    for (const secret of [FAKE_LIVE_SHORT, "4242", "pi_secret", "whsec_1", "pat-1"]) expect(text).not.toContain(secret);
    expect(line.request).toEqual({ url: "/x", headers: { Authorization: "[redacted]", accept: "json" } });
    expect(line.items).toEqual([{ id: 1, card: "[redacted]" }, { id: 2, client_secret: "[redacted]" }, "plain"]);
    expect(line.config).toEqual({
      stripe: { webhookSecret: "[redacted]", nested: [[{ access_token: "[redacted]" }]] },
    });
  });

  it("keeps an Error's name, message and stack and scrubs its own properties and cause", () => {
    const cause = Object.assign(new Error("socket hang up"), { config: { headers: { authorization: "Bearer t0k" } } });
    const err = Object.assign(new Error("HubSpot 401", { cause }), {
      status: 401,
      request: { accessToken: "pat-na1-secret", path: "/crm/v3" },
    });
    const line = errorLine({ error: err });
    const logged = line.error as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: "Error",
      message: "HubSpot 401",
      status: 401,
      request: { accessToken: "[redacted]", path: "/crm/v3" },
      cause: { message: "socket hang up", config: { headers: { authorization: "[redacted]" } } },
    });
    expect(logged.stack).toContain("HubSpot 401");
    expect(JSON.stringify(line)).not.toMatch(/pat-na1-secret|t0k/);
  });

  it("caps the depth, survives cycles and keeps dates and bigints writable", () => {
    let deep: Record<string, unknown> = { token: "deepest-secret" };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const at = new Date("2025-01-31T09:30:00Z");
    const line = errorLine({ deep, cyclic, at, big: 12n });
    expect(JSON.stringify(line)).not.toContain("deepest-secret");
    expect(JSON.stringify(line)).toContain("[truncated]");
    expect(line.cyclic).toEqual({ name: "loop", self: "[circular]" });
    expect(line).toMatchObject({ at: "2025-01-31T09:30:00.000Z", big: "12" });
    // The same object twice (not a cycle) is written twice.
    const shared = { id: 1 };
    expect(scrub({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
    let nested: unknown = "leaf";
    for (let i = 0; i < MAX_DEPTH + 2; i++) nested = [nested];
    expect(JSON.stringify(scrub(nested))).toContain("[truncated]");
  });
});

describe("log on pino", () => {
  it("writes one JSON line per entry with time, level name, msg and the caller's ids", () => {
    const { log, lines } = memoryLog("info");
    log.info("event.stored", { eventId: "evt_1", correlationId: "c-1" });
    log.warn("event.failed", { eventId: "evt_1", step: "hubspot" });
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({
      level: "info",
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: "event.stored",
      eventId: "evt_1",
      correlationId: "c-1",
    });
    expect(second).toMatchObject({ level: "warn", step: "hubspot" });
  });

  it("respects the level: below it nothing is written, silent writes nothing at all", () => {
    const warn = memoryLog("warn");
    warn.log.debug("a");
    warn.log.info("b");
    warn.log.warn("c");
    warn.log.error("d");
    expect(warn.lines.map((l) => JSON.parse(l).msg)).toEqual(["c", "d"]);
    const silent = memoryLog("silent");
    silent.log.error("e", { error: new Error("boom") });
    expect(silent.lines).toEqual([]);
  });

  it("keeps a cause chain several errors deep, each with its stack", () => {
    const root = new Error("ECONNRESET");
    const mid = new Error("fetch failed", { cause: root });
    const top = new TypeError("HubSpot upsert failed", { cause: mid });
    type Logged = { name: string; message: string; stack: string; cause: Logged };
    const logged = errorLine({ error: top }).error as Logged;
    expect(logged).toMatchObject({ name: "TypeError", message: "HubSpot upsert failed" });
    expect(logged.cause.message).toBe("fetch failed");
    expect(logged.cause.cause.message).toBe("ECONNRESET");
    expect(logged.cause.cause.stack).toContain("ECONNRESET");
  });

  it("redacts a webhook body by path, whatever its shape", () => {
    const line = errorLine({
      eventId: "e1",
      rawBody: '{"email":"jane@example.com"}',
      payload: { customer: { email: "jane@example.com" } },
      request: { url: "/api/webhooks/app", body: "name=Jane" },
    });
    expect(line).toMatchObject({ eventId: "e1", rawBody: "[redacted]", payload: "[redacted]" });
    expect(line.request).toEqual({ url: "/api/webhooks/app", body: "[redacted]" });
    expect(JSON.stringify(line)).not.toMatch(/jane|Jane/);
  });

  it("redacts cookies at any depth and credentials quoted inside strings", () => {
    const line = errorLine({
      headers: { cookie: "authjs.session-token=abc", accept: "json" },
      request: { headers: { "set-cookie": "sid=1" } },
      response: { config: { headers: { Cookie: "authjs.session-token=def" } } },
      error: new Error(`401 for Bearer pat-na1-0123456789abcdef with ${FAKE_LIVE_KEY} and whsec_abcdef0123`),
    });
    expect(line.headers).toEqual({ cookie: "[redacted]", accept: "json" });
    expect(line.request).toEqual({ headers: { "set-cookie": "[redacted]" } });
    expect(line.response).toEqual({ config: { headers: { Cookie: "[redacted]" } } });
    const text = JSON.stringify(line);
    for (const secret of ["abc", "sid=1", "pat-na1-0123456789abcdef", FAKE_LIVE_KEY, "whsec_abcdef0123"])
      expect(text).not.toContain(secret);
    expect((line.error as { message: string }).message).toBe("401 for [redacted] with [redacted] and [redacted]");
  });

  it("adds the trace and span ids inside a span when tracing is on, and nothing when it is off", async () => {
    expect(errorLine({ a: 1 })).not.toHaveProperty("traceId");
    startTracing({ endpoint: "http://127.0.0.1:1", exporter: new InMemorySpanExporter() });
    const line = traced("step", {}, (span) => {
      const l = errorLine({ a: 1 });
      expect(l).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
      return l;
    });
    expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("the real `log` writes to stdout and reads LOG_LEVEL (a child process, as the server runs)", () => {
    const script = `import { log } from "./lib/log.ts"; log.debug("dbg"); log.info("hello", { eventId: "e1", token: "t0k" }); log.error("bad");`;
    const run = (level: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, LOG_LEVEL: level },
        encoding: "utf8",
        timeout: 20_000,
      });
    const info = run("info");
    expect(info.stderr).toBe("");
    const lines = info.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(["hello", "bad"]);
    expect(lines[0]).toMatchObject({ eventId: "e1", token: "[redacted]" });
    expect(run("silent").stdout).toBe("");
  });
});
