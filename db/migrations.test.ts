// Migrations apply on the embedded database (and on PostgreSQL when TEST_DATABASE_URL is set, as in CI).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { migrateDb, migrationStatus, rowsOf, type DbHandle } from "./index";
import { createTestDb } from "./test-db";
import { customers, events, identities } from "./schema";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

describe(`migrations (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("creates every table of the design", async () => {
    const rows = await rowsOf<{ table_name: string }>(
      handle.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`),
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        "alerts",
        "audit_log",
        "customers",
        "entitlements",
        "event_steps",
        "events",
        "identities",
        "support_tickets",
        "users",
      ]),
    );
  });

  it("is current, and running it again changes nothing", async () => {
    const before = await migrationStatus(handle.db);
    expect(before.current).toBe(true);
    expect(before.applied).toBe(before.expected);
    await migrateDb(handle);
    expect(await migrationStatus(handle.db)).toEqual(before);
  });

  it("stores an event once per (source, external id)", async () => {
    const row = {
      source: "stripe" as const,
      externalId: "evt_1",
      type: "invoice.paid",
      correlationId: "c1",
      rawBody: "{}",
    };
    const first = await handle.db.insert(events).values(row).onConflictDoNothing().returning({ id: events.id });
    const second = await handle.db
      .insert(events)
      .values({ ...row, correlationId: "c2" })
      .onConflictDoNothing()
      .returning({ id: events.id });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
    const [{ n }] = await rowsOf<{ n: number }>(handle.db.execute(sql`select count(*)::int as n from events`));
    expect(n).toBe(1);
  });

  it("refuses a second customer for one app user and a second owner of one external id", async () => {
    const [c1] = await handle.db.insert(customers).values({ appUserId: "u1", email: "a@example.com" }).returning();
    const [c2] = await handle.db.insert(customers).values({ appUserId: "u2", email: "b@example.com" }).returning();
    await expect(handle.db.insert(customers).values({ appUserId: "u1" })).rejects.toMatchObject({
      cause: { code: "23505" },
    });
    await handle.db
      .insert(identities)
      .values({ customerId: c1.id, system: "stripe", externalId: "cus_1", matchedBy: "id" });
    await expect(
      handle.db
        .insert(identities)
        .values({ customerId: c2.id, system: "stripe", externalId: "cus_1", matchedBy: "email" }),
    ).rejects.toMatchObject({ cause: { code: "23505" } });
  });
});
