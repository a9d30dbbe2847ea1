// Store-once under concurrency: simultaneous deliveries are written as groups (one insert each), a repeat
// within or across groups is a duplicate of the one stored row, and a bad row fails alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { groupWriterStats, storeEvent, storeEvents, type StoreInput } from "./store";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

let n = 0;
const input = (externalId = `evt_store_${n++}`): StoreInput => ({
  source: "stripe",
  externalId,
  type: "invoice.paid",
  rawBody: `{"id":"${externalId}"}`,
  occurredAt: new Date(),
  status: "received",
});

async function rowsFor(externalIds: string[]): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    handle.db.execute(
      sql`select count(*)::int as n from events where external_id in (${sql.join(
        externalIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    ),
  );
  return row!.n;
}

describe("storeEvent", () => {
  it("stores 40 simultaneous deliveries in fewer inserts than events, each once", async () => {
    const before = groupWriterStats(handle.db);
    const inputs = Array.from({ length: 40 }, () => input());
    const stored = await Promise.all(inputs.map((i) => storeEvent(handle.db, i)));
    const after = groupWriterStats(handle.db);
    expect(stored.every((s) => !s.duplicate)).toBe(true);
    expect(new Set(stored.map((s) => s.id)).size).toBe(40);
    expect(await rowsFor(inputs.map((i) => i.externalId))).toBe(40);
    expect(after.events - before.events).toBe(40);
    expect(after.groups - before.groups).toBeLessThan(40);
  });

  it("ten simultaneous deliveries of one event: one row, one first delivery, nine duplicates of it", async () => {
    const same = input();
    const stored = await Promise.all(Array.from({ length: 10 }, () => storeEvent(handle.db, { ...same })));
    expect(stored.filter((s) => !s.duplicate)).toHaveLength(1);
    expect(new Set(stored.map((s) => s.id)).size).toBe(1);
    expect(new Set(stored.map((s) => s.correlationId)).size).toBe(1);
    expect(await rowsFor([same.externalId])).toBe(1);
  });

  it("a later delivery of a stored event answers the stored row as a duplicate", async () => {
    const first = input();
    const original = await storeEvent(handle.db, first);
    const again = await storeEvents(handle.db, [{ ...first, status: "ignored" }, input()]);
    expect(again[0]).toEqual({ ...original, duplicate: true });
    expect(again[1]!.duplicate).toBe(false);
  });

  it("one bad row in a group fails alone; its neighbours are stored", async () => {
    const good = Array.from({ length: 6 }, () => input());
    const bad = { ...input(), rawBody: "nul \u0000 in text" }; // PostgreSQL refuses NUL in text
    const results = await Promise.allSettled(
      [...good.slice(0, 3), bad, ...good.slice(3)].map((i) => storeEvent(handle.db, i)),
    );
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(await rowsFor(good.map((i) => i.externalId))).toBe(6);
    expect(await rowsFor([bad.externalId])).toBe(0);
  });
});
