import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { type DbHandle, rowsOf } from "@/db";
import { createTestDb } from "@/db/test-db";
import { ANALYZE_AFTER_MAX, ANALYZE_AFTER_MIN, noteEventsInserted } from "./events-stats";
import { storeEvents } from "./store";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

/** What the planner believes the table holds (-1: never analyzed). */
async function plannerRows(): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    handle.db.execute(sql`select reltuples::int as n from pg_class where relname = 'events'`),
  );
  return row!.n;
}

const deliveries = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    source: "app" as const,
    externalId: `${prefix}_${i}`,
    type: "user.signed_up",
    rawBody: "{}",
    occurredAt: null,
  }));

describe("the events table's statistics during a burst", () => {
  it("are refreshed once the events stored pass the threshold, not before, and not twice at once", async () => {
    const before = await plannerRows();
    await storeEvents(handle.db, deliveries("few", 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(await plannerRows()).toBe(before);

    await storeEvents(handle.db, deliveries("burst", ANALYZE_AFTER_MIN));
    await expect.poll(plannerRows, { timeout: 10_000 }).toBeGreaterThanOrEqual(ANALYZE_AFTER_MIN);

    // While one runs, another is not started; the next needs as many events as were stored before it (the table
    // doubled: 550 so far here), at least the minimum.
    const db = handle.db;
    expect(noteEventsInserted(db, 549)).toBeUndefined();
    const started = noteEventsInserted(db, 1);
    expect(started).toBeDefined();
    expect(noteEventsInserted(db, 2_000)).toBeUndefined();
    await started;
    // What arrived while it ran is still counted: the next insert starts the next one (2,001 >= 1,100), then the
    // one after needs 3,101 more.
    const next = noteEventsInserted(db, 1);
    expect(next).toBeDefined();
    await next;
    expect(noteEventsInserted(db, 3_100)).toBeUndefined();
    const third = noteEventsInserted(db, 1);
    expect(third).toBeDefined();
    await third;
    // A big table (12,504 events here after this one) is looked at again after ANALYZE_AFTER_MAX more at most.
    const big = noteEventsInserted(db, 6_252);
    expect(big).toBeDefined();
    await big;
    expect(noteEventsInserted(db, ANALYZE_AFTER_MAX - 1)).toBeUndefined();
    const capped = noteEventsInserted(db, 1);
    expect(capped).toBeDefined();
    await capped;
  });
});
