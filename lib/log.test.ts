// Log lines never carry a secret-looking key's value, however deep it sits.
import { afterEach, describe, expect, it, vi } from "vitest";
import { log, MAX_DEPTH, scrub } from "./log";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON line log.error writes (errors are written even with LOG_LEVEL=silent, as in the tests). */
function errorLine(fields: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  log.error("test.line", fields);
  expect(lines).toHaveLength(1);
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
      request: { url: "/x", headers: { Authorization: "Bearer sk_live_1", accept: "json" } },
      items: [{ id: 1, card: { number: "4242" } }, { id: 2, client_secret: "pi_secret" }, "plain"],
      config: { stripe: { webhookSecret: "whsec_1", nested: [[{ access_token: "pat-1" }]] } },
    });
    const text = JSON.stringify(line);
    for (const secret of ["sk_live_1", "4242", "pi_secret", "whsec_1", "pat-1"]) expect(text).not.toContain(secret);
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
