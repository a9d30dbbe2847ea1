// GET /api/admin/export/:list: admin only, the rows the filters select across every page, CSV escaped
// (quotes, commas, line breaks, formulas), refused past the cap with a message, and audited.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { auditLog, customers, events } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { adminToken, createRoleUsers, sessionCookie, sessionHeaders } from "@/test/admin-route";
import { GET } from "./route";

let handle: DbHandle;
let viewerId: string;
let adminId: string;
const admin = adminToken();

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
  ({ viewer: viewerId, admin: adminId } = await createRoleUsers(handle.db, ["viewer", "admin"]));
  const [ada] = await handle.db
    .insert(customers)
    .values({ appUserId: "u_ada", email: "ada@example.com", name: 'Ada "The Countess", Lovelace' })
    .returning();
  const [evil] = await handle.db
    .insert(customers)
    .values({ appUserId: "u_evil", email: '=HYPERLINK("http://x")@example.com', name: "-2+3\nsecond line" })
    .returning();
  // 230 failed events of Ada (three pages of 100) and one succeeded event of the other customer.
  await handle.db.execute(sql`insert into events (source, external_id, type, status, correlation_id, customer_id, received_at, last_error)
    select 'app', 'evt_' || g, 'user.updated', 'failed', 'corr_' || g, ${ada!.id}::uuid,
      timestamptz '2026-01-01' + g * interval '1 minute', 'hubspot 400: Property "plan" does not exist'
    from generate_series(1, 230) g`);
  await handle.db.insert(events).values({
    source: "app",
    externalId: "evt_ok",
    type: "user.signed_up",
    status: "succeeded",
    correlationId: "corr_ok",
    customerId: evil!.id,
  });
}, 180_000); // a migrated PGlite clone and two password hashes: slow on a busy machine
afterAll(() => handle?.close());
beforeEach(async () => {
  await resetRateLimits();
});

async function get(path: string, headers: Record<string, string> = admin) {
  const list = /\/export\/([^?]*)/.exec(path)?.[1] ?? "";
  const res = await GET(new Request(`http://127.0.0.1:3000${path}`, { headers }), {
    params: Promise.resolve({ list }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Splits a CSV answer into rows of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  // One cell at a time: a quoted cell (with "" for a quote) or a bare one, then its separator.
  const cell = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r\n|$)/gy;
  const body = text.replace(/^\uFEFF/, "");
  let row: string[] = [];
  while (cell.lastIndex < body.length) {
    const m = cell.exec(body);
    if (!m) throw new Error(`not CSV at ${cell.lastIndex}`);
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
    if (m[3] !== ",") {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

const exportsAudited = async () => handle.db.select().from(auditLog).where(eq(auditLog.action, "export.csv"));

describe("GET /api/admin/export/:list", () => {
  it("refuses without credentials (401) and a viewer (403): exports carry personal data", async () => {
    expect((await get("/api/admin/export/customers", {})).status).toBe(401);
    const viewer = await get("/api/admin/export/customers", await sessionHeaders(handle.db, viewerId));
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.text).error).toMatch(/admin/);
    expect(await exportsAudited()).toHaveLength(0);
  });

  it("answers 404 for an unknown list and 400 naming a bad filter, writing nothing", async () => {
    const unknown = await get("/api/admin/export/payments");
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error).toMatch(/customers, events, alerts, audit, deliveries/);
    const bad = await get("/api/admin/export/events?status=exploded");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/status/);
    expect(await exportsAudited()).toHaveLength(0);
  });

  it("exports every row the filters select, not just one page, and audits who exported what", async () => {
    const res = await get("/api/admin/export/events?status=failed&page=2&perPage=10", {
      cookie: await sessionCookie(handle.db, adminId),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="events-\d+\.csv"/);
    const rows = parseCsv(res.text);
    expect(rows[0]?.slice(0, 4)).toEqual(["Received", "Source", "Type", "Status"]);
    expect(rows).toHaveLength(1 + 230);
    expect(new Set(rows.slice(1).map((r) => r[9])).size).toBe(230); // every event once, none repeated across pages
    expect(rows.slice(1).every((r) => r[3] === "failed")).toBe(true);
    expect(rows[1]?.[7]).toBe('hubspot 400: Property "plan" does not exist');
    const [entry] = await exportsAudited();
    expect(entry).toMatchObject({
      actorEmail: "admin@example.com",
      details: { list: "events", rows: 230, filters: { status: "failed" } },
    });
  });

  it("filters events by a customer's name", async () => {
    const rows = parseCsv((await get("/api/admin/export/events?customer=lovelace")).text);
    expect(rows).toHaveLength(1 + 230);
  });

  it("escapes quotes, commas and line breaks, and neutralises formulas", async () => {
    const res = await get("/api/admin/export/customers?sort=appUserId");
    expect(res.status).toBe(200);
    expect(res.text).toContain('"Ada ""The Countess"", Lovelace"');
    const rows = parseCsv(res.text);
    const [ada, evil] = rows.slice(1);
    expect(ada?.slice(0, 3)).toEqual(['Ada "The Countess", Lovelace', "ada@example.com", "u_ada"]);
    // A spreadsheet would run these as formulas: each starts with a quote instead.
    expect(evil?.[0]).toBe("'-2+3\nsecond line");
    expect(evil?.[1]).toBe('\'=HYPERLINK("http://x")@example.com');
  });

  it("refuses past the cap with a message saying how to narrow it", async () => {
    await handle.db.execute(sql`insert into audit_log (actor_email, via, action)
      select 'bulk@example.com', 'system', 'test.filler' from generate_series(1, 10001)`);
    const res = await get("/api/admin/export/audit?action=test.filler");
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error).toMatch(/more than 10,000 rows.*Narrow/);
    const narrow = await get("/api/admin/export/audit?action=export.csv");
    expect(narrow.status).toBe(200);
  });
});
