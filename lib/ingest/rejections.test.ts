// Refused deliveries are recorded: each reason with its code, status, size, body hash and event id, never the
// body, a header or a secret; a flood writes a bounded number of rows that still count every refusal; future
// timestamps are refused on both routes; the admin list is gated and paged.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { asc, sql } from "drizzle-orm";
import { rowsOf } from "@/db";
import { rejectedDeliveries } from "@/db/schema";
import { env, resetEnvCache } from "@/lib/env";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { signAppPayload } from "@/lib/app-events/signature";
import { GET as listRoute } from "@/app/api/admin/rejected-deliveries/route";
import { appEvent, startHarness, stripeEvent, type Harness } from "@/test/harness";
import { MAX_WEBHOOK_BYTES } from "./read-body";
import { flushRejections, probeEventId, resetRejectionCounters, ROWS_PER_MINUTE } from "./rejections";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  await flushRejections();
  resetRejectionCounters();
  await resetRateLimits();
  await h.db.delete(rejectedDeliveries);
});
afterEach(async () => {
  delete process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE;
  resetEnvCache();
  await resetRateLimits();
});

const MARKER = "body-marker-never-stored@example.test";
const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const nowS = () => Math.floor(Date.now() / 1000);

async function recorded() {
  await flushRejections();
  return h.db.select().from(rejectedDeliveries).orderBy(asc(rejectedDeliveries.firstAt));
}

function stripeBody(id = `evt_${Math.random().toString(36).slice(2)}`) {
  return JSON.stringify(stripeEvent("customer.updated", { id: "cus_1", object: "customer", email: MARKER }, { id }));
}
function appBody(id = `app_evt_${Math.random().toString(36).slice(2)}`) {
  return JSON.stringify(appEvent("user.signed_up", { userId: "u_1", email: MARKER }, { id }));
}
const stripeHeader = (body: string, o: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: o.secret ?? env.STRIPE_WEBHOOK_SECRET,
    timestamp: o.timestamp,
  });

type Case = {
  name: string;
  reason: string;
  send: () => Promise<{ status: number; body: Record<string, unknown> }>;
  body?: string;
  eventId?: string | null;
};

describe("every refused delivery is recorded with its reason code, and never its body", () => {
  const s = stripeBody("evt_recorded_1");
  const a = appBody("app_evt_recorded_1");
  const cases: Case[] = [
    {
      name: "stripe: no signature",
      reason: "missing_signature",
      send: () => h.postStripe({}, { body: s, header: "" }),
    },
    {
      name: "stripe: signed with another secret",
      reason: "bad_signature",
      send: () => h.postStripe({}, { body: s, secret: "whsec_someone_else" }),
    },
    {
      name: "stripe: header not t=…,v1=…",
      reason: "malformed_signature",
      send: () => h.postStripe({}, { body: s, header: "sha256=deadbeef" }),
    },
    {
      name: "stripe: signed 301 s ago",
      reason: "stale_timestamp",
      send: () => h.postStripe({}, { body: s, header: stripeHeader(s, { timestamp: nowS() - 301 }) }),
    },
    {
      name: "stripe: signed 301 s ahead",
      reason: "future_timestamp",
      send: () => h.postStripe({}, { body: s, header: stripeHeader(s, { timestamp: nowS() + 301 }) }),
    },
    {
      name: "stripe: malformed JSON",
      reason: "malformed_body",
      body: `{"id": "evt_x", "email": "${MARKER}", `,
      eventId: null,
      send: () => h.postStripe({}, { body: `{"id": "evt_x", "email": "${MARKER}", ` }),
    },
    {
      name: "stripe: not an event",
      reason: "invalid_event",
      body: JSON.stringify({ id: "not_evt", email: MARKER }),
      eventId: "not_evt",
      send: () => h.postStripe({}, { body: JSON.stringify({ id: "not_evt", email: MARKER }) }),
    },
    { name: "app: no signature", reason: "missing_signature", send: () => h.postApp({}, { body: a, header: null }) },
    {
      name: "app: signed with another secret",
      reason: "bad_signature",
      send: () => h.postApp({}, { body: a, secret: "appsec_someone_else_0123456789" }),
    },
    {
      name: "app: header not t=…,v1=…",
      reason: "malformed_signature",
      send: () => h.postApp({}, { body: a, header: "sha256=deadbeef" }),
    },
    {
      name: "app: signed 301 s ago",
      reason: "stale_timestamp",
      send: () => h.postApp({}, { body: a, timestamp: nowS() - 301 }),
    },
    {
      name: "app: signed 301 s ahead",
      reason: "future_timestamp",
      send: () => h.postApp({}, { body: a, timestamp: nowS() + 301 }),
    },
    {
      name: "app: malformed JSON",
      reason: "malformed_body",
      body: `{"email": "${MARKER}"`,
      eventId: null,
      send: () => h.postApp({}, { body: `{"email": "${MARKER}"` }),
    },
    {
      name: "app: not an event",
      reason: "invalid_event",
      body: JSON.stringify({ id: "app_evt_bad", type: "user.signed_up", data: { email: MARKER } }),
      eventId: "app_evt_bad",
      send: () =>
        h.postApp({}, { body: JSON.stringify({ id: "app_evt_bad", type: "user.signed_up", data: { email: MARKER } }) }),
    },
  ];

  it.each(cases)("$name → 400 $reason", async (c) => {
    const route = c.name.startsWith("stripe") ? "stripe" : "app";
    const body = c.body ?? (route === "stripe" ? s : a);
    const res = await c.send();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: c.reason, error: expect.any(String) });
    const rows = await recorded();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      route,
      reason: c.reason,
      status: 400,
      clientAddress: "unknown",
      sizeBytes: Buffer.byteLength(body),
      bodySha256: sha(body),
      sourceEventId:
        c.eventId === undefined ? (route === "stripe" ? "evt_recorded_1" : "app_evt_recorded_1") : c.eventId,
      count: 1,
      aggregateKey: null,
    });
    const stored = JSON.stringify(rows);
    for (const secret of [MARKER, env.STRIPE_WEBHOOK_SECRET, env.APP_WEBHOOK_SECRET, "deadbeef", "v1="])
      expect(stored).not.toContain(secret);
  });

  it.each(["stripe", "app"] as const)(
    "%s: a body over the cap → 413 too_large, not read, not hashed",
    async (route) => {
      const big = JSON.stringify({ id: "evt_big", pad: "x".repeat(MAX_WEBHOOK_BYTES) });
      const res = route === "stripe" ? await h.postStripe({}, { body: big }) : await h.postApp({}, { body: big });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe("too_large");
      const [row] = await recorded();
      expect(row).toMatchObject({ route, reason: "too_large", status: 413, bodySha256: null, sourceEventId: null });
    },
  );

  it("a rate-limited delivery → 429, counted in the minute's aggregate row", async () => {
    process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE = "2";
    resetEnvCache();
    await resetRateLimits();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.postApp({}, { body: appBody(), header: null })).status);
    expect(statuses).toEqual([400, 400, 429, 429, 429]);
    const rows = await recorded();
    const limited = rows.filter((r) => r.reason === "rate_limited");
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(2); // a minute boundary may split them
    expect(limited.reduce((n, r) => n + r.count, 0)).toBe(3);
    expect(limited[0]).toMatchObject({ route: "app", status: 429, bodySha256: null, clientAddress: "unknown" });
    expect(limited[0]!.aggregateKey).toMatch(/^app:rate_limited:\d{4}-\d\d-\d\dT\d\d:\d\d$/);
  });

  it("accepted deliveries record nothing", async () => {
    expect((await h.postStripe(stripeEvent("customer.updated", { id: "cus_ok", object: "customer" }))).status).toBe(
      200,
    );
    expect((await h.postApp(appEvent("app.opened", {}))).status).toBe(200);
    await h.settle();
    expect(await recorded()).toEqual([]);
  });
});

describe("a flood of refusals writes a bounded number of rows", () => {
  it("300 bad signatures: at most 20 rows a minute plus one aggregate row, counting all 300", async () => {
    const N = 300;
    const body = stripeBody();
    const header = stripeHeader(body, { secret: "whsec_rotated_elsewhere" });
    const answers = await Promise.all(Array.from({ length: N }, () => h.postStripe({}, { body, header })));
    expect(answers.every((r) => r.status === 400 && r.body.code === "bad_signature")).toBe(true);
    const rows = await recorded();
    expect(rows.length).toBeLessThanOrEqual(2 * (ROWS_PER_MINUTE + 1)); // a minute boundary may fall inside
    expect(rows.filter((r) => r.aggregateKey).length).toBeGreaterThanOrEqual(1);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(N);
    expect(rows.every((r) => r.reason === "bad_signature" && r.route === "stripe")).toBe(true);
    const [counted] = await rowsOf<{ n: number }>(
      h.db.execute(sql`select count(*)::int as n from rejected_deliveries`),
    );
    expect(counted!.n).toBe(rows.length);
  });

  it("a rate-limit flood costs no row per request", async () => {
    process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE = "1";
    resetEnvCache();
    await resetRateLimits();
    await Promise.all(Array.from({ length: 200 }, () => h.postStripe({}, { body: "{}", header: "" })));
    const rows = await recorded();
    const limited = rows.filter((r) => r.reason === "rate_limited");
    expect(limited.length).toBeLessThanOrEqual(2);
    expect(limited.reduce((n, r) => n + r.count, 0)).toBe(199);
    expect(rows.length).toBeLessThanOrEqual(3);
  });
});

describe("timestamps more than 300 s in the future are refused", () => {
  it("stripe: +301 s → 400 future_timestamp; +200 s is accepted", async () => {
    const body = stripeBody();
    const future = await h.postStripe({}, { body, header: stripeHeader(body, { timestamp: nowS() + 301 }) });
    expect(future).toMatchObject({ status: 400, body: { code: "future_timestamp" } });
    expect(future.body.error).toMatch(/in the future.*300 s tolerance/);
    const near = stripeBody();
    expect(
      (await h.postStripe({}, { body: near, header: stripeHeader(near, { timestamp: nowS() + 200 }) })).status,
    ).toBe(200);
  });

  it("app: +301 s → 400 future_timestamp; +200 s is accepted", async () => {
    const body = appBody();
    const future = await h.postApp({}, { body, header: signAppPayload(body, env.APP_WEBHOOK_SECRET, nowS() + 301) });
    expect(future).toMatchObject({ status: 400, body: { code: "future_timestamp" } });
    expect(future.body.error).toMatch(/in the future/);
    expect((await h.postApp({}, { body: appBody(), timestamp: nowS() + 200 })).status).toBe(200);
    await h.settle();
  });
});

describe("probeEventId", () => {
  it("takes a short string id from a JSON object only", () => {
    expect(probeEventId('{"id":"evt_1"}')).toBe("evt_1");
    expect(probeEventId('{"id":"a\\u0000b"}')).toBe("ab");
    expect(probeEventId(`{"id":"${"x".repeat(500)}"}`)).toHaveLength(200);
    expect(probeEventId('["evt_1"]')).toBeNull();
    expect(probeEventId('{"id":{"x":1}}')).toBeNull();
    expect(probeEventId("not json")).toBeNull();
  });
});

describe("GET /api/admin/rejected-deliveries", () => {
  const get = (query = "", headers: Record<string, string> = { authorization: `Bearer ${env.ADMIN_API_TOKEN}` }) =>
    listRoute(new Request(`http://127.0.0.1:3000/api/admin/rejected-deliveries${query}`, { headers }));

  it("is refused without the token or a session", async () => {
    expect((await get("", {})).status).toBe(401);
    expect((await get("", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("answers { rows, total } paged and filtered by route and reason; a bad param is a 400 naming it", async () => {
    for (let i = 0; i < 3; i++) await h.postStripe({}, { body: stripeBody(), header: "" });
    for (let i = 0; i < 2; i++) await h.postApp({}, { body: appBody(), secret: "appsec_someone_else_0123456789" });
    await flushRejections();
    const all = await get();
    expect(all.status).toBe(200);
    const body = (await all.json()) as { rows: Record<string, unknown>[]; total: number; pageCount: number };
    expect(body.total).toBe(5);
    expect(body.rows).toHaveLength(5);
    expect(body.rows[0]).toMatchObject({ route: "app", reason: "bad_signature", status: 400, count: 1 });
    expect(body.rows[0]).not.toHaveProperty("aggregateKey");
    const page2 = (await (await get("?perPage=2&page=2")).json()) as typeof body;
    expect(page2).toMatchObject({ total: 5, pageCount: 3, page: 2, perPage: 2 });
    expect(page2.rows).toHaveLength(2);
    const stripeOnly = (await (await get("?route=stripe&reason=missing_signature")).json()) as typeof body;
    expect(stripeOnly.total).toBe(3);
    expect(stripeOnly.rows.every((r) => r.route === "stripe")).toBe(true);
    const bad = await get("?reason=nope");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('"reason"');
  });
});
