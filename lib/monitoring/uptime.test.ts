// The uptime probe against local HTTP servers standing in for the public address (real requests, real PGlite):
// off without APP_URL; three failures in a row open one alert, not three, and the next success resolves it;
// the unsigned POST must be refused (a 200 is a failure); a timeout and a refused connection are named; the
// probe's POST carries a token only the server can verify, and a stranger's request never passes for the probe.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { alerts, opsState } from "@/db/schema";
import { POST as stripeWebhookRoute } from "@/app/api/webhooks/stripe/route";
import { closedPort, startHttpServer, type Handler, type LocalServer } from "@/lib/readiness/test-servers";
import { isUptimeProbe, UPTIME_PROBE_BODY, UPTIME_PROBE_HEADER, uptimeProbeToken } from "./probe-token";
import { readUptimeState, runUptimeProbe, UPTIME_RULE } from "./uptime";

const SECRET = "test-auth-secret-0123456789abcdef0123456789";
let handle: DbHandle;
let server: LocalServer;
let health: "ok" | 503 | "degraded" | "html" | "hang" = "ok";
let webhook: "route" | 200 = "route";
let lastPost: { headers: Headers; body: string } | undefined;

const handler: Handler = async (req, body, res) => {
  if (req.url === "/api/health") {
    if (health === "hang") return; // never answers: the probe's timeout must end it
    if (health === 503) return void res.writeHead(503, { "content-type": "application/json" }).end('{"status":"down"}');
    if (health === "html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html>parked</html>");
    const status = health === "degraded" ? "degraded" : "ok";
    return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status }));
  }
  const headers = new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  lastPost = { headers, body };
  if (webhook === 200) return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
  // The console's real route, as the production server would run it.
  const answer = await stripeWebhookRoute(
    new Request(`http://${req.headers.host}${req.url}`, { method: "POST", headers, body }),
  );
  res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
};

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
  server = await startHttpServer(handler);
}, 180_000); // a fresh database and certificates: slow on a loaded machine
afterAll(async () => {
  await server?.close();
  await handle?.close();
});
beforeEach(async () => {
  await handle.db.delete(alerts);
  await handle.db.delete(opsState);
  health = "ok";
  webhook = "route";
  lastPost = undefined;
});

const appUrl = () => `http://127.0.0.1:${server.port}`;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 9, minute));
const probe = (minute: number, o: { appUrl?: string; timeoutMs?: number } = {}) =>
  runUptimeProbe(handle.db, { appUrl: appUrl(), secret: SECRET, now: at(minute), timeoutMs: 2_000, ...o });
const uptimeAlerts = () => handle.db.select().from(alerts).where(eq(alerts.rule, UPTIME_RULE));

describe("the uptime probe", () => {
  it("is off without APP_URL: no request, nothing stored", async () => {
    expect(await runUptimeProbe(handle.db, { appUrl: undefined, secret: SECRET })).toBeNull();
    expect(lastPost).toBeUndefined();
    expect(await readUptimeState(handle.db)).toBeUndefined();
  });

  it("passes when health says ok and the real webhook route refuses the unsigned POST with 400", async () => {
    const result = await probe(0);
    expect(result?.state).toMatchObject({ ok: true, consecutiveFailures: 0, problems: [] });
    expect(await uptimeAlerts()).toHaveLength(0);
  });

  it("opens one alert after three failed health probes in a row, not three, and resolves at the next success", async () => {
    health = 503;
    expect((await probe(1))?.opened).toBe(false);
    expect((await probe(2))?.opened).toBe(false);
    expect(await uptimeAlerts()).toHaveLength(0);
    expect((await probe(3))?.opened).toBe(true);
    expect((await probe(4))?.opened).toBe(false);
    const [alert, ...more] = await uptimeAlerts();
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({ status: "open", severity: "critical", kind: "ops" });
    expect(alert!.title).toBe("The public URL does not answer: GET /api/health answered 503");
    expect(alert!.message).toContain("4 probes of");
    expect(alert!.details).toMatchObject({ href: "/readiness#uptime", value: 4 });

    health = "ok";
    const back = await probe(5);
    expect(back).toMatchObject({ resolved: true, state: { ok: true, consecutiveFailures: 0, failingSince: null } });
    expect((await uptimeAlerts()).map((a) => a.status)).toEqual(["resolved"]);
  });

  it("starts counting again after a success: two failures, a success, two failures open nothing", async () => {
    health = 503;
    await probe(1);
    await probe(2);
    health = "ok";
    await probe(3);
    health = 503;
    await probe(4);
    const last = await probe(5);
    expect(last?.state.consecutiveFailures).toBe(2);
    expect(await uptimeAlerts()).toHaveLength(0);
  });

  it("counts an unsigned POST answered 200 as a failure", async () => {
    webhook = 200;
    const result = await probe(1);
    expect(result?.state.ok).toBe(false);
    expect(result?.state.problems).toEqual([
      "POST /api/webhooks/stripe (unsigned) was accepted (200) instead of refused with 400",
    ]);
    await probe(2);
    await probe(3);
    expect((await uptimeAlerts()).map((a) => a.title)).toEqual([
      "The public URL does not answer: POST /api/webhooks/stripe (unsigned) was accepted (200) instead of refused with 400",
    ]);
  });

  it("counts a degraded status and a non-JSON page as failures", async () => {
    health = "degraded";
    expect((await probe(1))?.state.problems).toEqual(['GET /api/health answered status "degraded" instead of "ok"']);
    health = "html";
    expect((await probe(2))?.state.problems[0]).toMatch(/answered 200 but not JSON/);
  });

  it("names a timeout and a refused connection", async () => {
    health = "hang";
    const slow = await probe(1, { timeoutMs: 300 });
    expect(slow?.state.problems).toEqual(["GET /api/health: no answer within 0.3 s"]);
    const port = await closedPort();
    const refused = await probe(2, { appUrl: `http://127.0.0.1:${port}` });
    expect(refused?.state.problems).toEqual([
      "GET /api/health: connection refused (ECONNREFUSED)",
      "POST /api/webhooks/stripe (unsigned): connection refused (ECONNREFUSED)",
    ]);
    // Another address is another count: the failures at the old one do not carry over.
    expect(refused?.state.consecutiveFailures).toBe(1);
    await probe(3, { appUrl: `http://127.0.0.1:${port}` });
    expect((await probe(4, { appUrl: `http://127.0.0.1:${port}` }))?.opened).toBe(true);
    // Both failing the same way: said once in the title, both in the message.
    const [alert] = await uptimeAlerts();
    expect(alert!.title).toBe("The public URL does not answer: connection refused (ECONNREFUSED)");
    expect(alert!.message).toContain("POST /api/webhooks/stripe (unsigned): connection refused (ECONNREFUSED)");
  });

  it("keeps its count in ops_state, so a restart (a new process) continues it", async () => {
    health = 503;
    await probe(1);
    await probe(2);
    expect((await readUptimeState(handle.db))?.consecutiveFailures).toBe(2);
    expect((await probe(3))?.opened).toBe(true);
  });
});

describe("the probe's token (its refusal is not recorded; a stranger's always is)", () => {
  it("marks the probe's own POST, and only that", async () => {
    await probe(0);
    const sent = lastPost!;
    const now = at(0);
    expect(sent.body).toBe(UPTIME_PROBE_BODY);
    expect(isUptimeProbe({ headers: sent.headers }, sent.body, SECRET, now)).toBe(true);

    const withHeaders = (h: Record<string, string>) => ({ headers: new Headers(h) });
    const token = sent.headers.get(UPTIME_PROBE_HEADER)!;
    // No token, a made-up one, another secret's, an old one: a stranger's unsigned request stays recorded.
    expect(isUptimeProbe(withHeaders({}), UPTIME_PROBE_BODY, SECRET, now)).toBe(false);
    expect(
      isUptimeProbe(
        withHeaders({ [UPTIME_PROBE_HEADER]: `${Math.floor(now.getTime() / 1000)}.${"0".repeat(64)}` }),
        UPTIME_PROBE_BODY,
        SECRET,
        now,
      ),
    ).toBe(false);
    const foreign = uptimeProbeToken("another-secret-0123456789abcdef0123", now);
    expect(isUptimeProbe(withHeaders({ [UPTIME_PROBE_HEADER]: foreign }), UPTIME_PROBE_BODY, SECRET, now)).toBe(false);
    expect(
      isUptimeProbe(
        withHeaders({ [UPTIME_PROBE_HEADER]: token }),
        UPTIME_PROBE_BODY,
        SECRET,
        new Date(now.getTime() + 121_000),
      ),
    ).toBe(false);
    // A valid token does not cover anything but the probe itself: a signature header or another body.
    expect(
      isUptimeProbe(
        withHeaders({ [UPTIME_PROBE_HEADER]: token, "stripe-signature": "t=1,v1=abc" }),
        UPTIME_PROBE_BODY,
        SECRET,
        now,
      ),
    ).toBe(false);
    expect(isUptimeProbe(withHeaders({ [UPTIME_PROBE_HEADER]: token }), '{"id":"evt_1"}', SECRET, now)).toBe(false);
    // Without a secret nothing is exempt.
    expect(uptimeProbeToken(undefined, now)).toBe("");
    expect(isUptimeProbe(withHeaders({ [UPTIME_PROBE_HEADER]: token }), UPTIME_PROBE_BODY, undefined, now)).toBe(false);
  });
});
