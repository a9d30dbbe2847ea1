// Capped counts: exact below the cap, "at least" above it, and paging that still reaches past the cap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { events } from "@/db/schema";
import { countUpTo, pageOf } from "./paging";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(events).values(
    Array.from({ length: 7 }, (_, i) => ({
      source: "app" as const,
      externalId: `p${i}`,
      type: i < 5 ? "a" : "b",
      correlationId: `c${i}`,
    })),
  );
});
afterAll(() => handle?.close());

const rowsOfType = (type?: string) =>
  handle.db
    .select({ one: sql`1` })
    .from(events)
    .where(type ? sql`${events.type} = ${type}` : undefined)
    .$dynamic();

describe("countUpTo", () => {
  it("counts exactly up to the cap and says when it stopped", async () => {
    expect(await countUpTo(handle.db, rowsOfType(), 10)).toEqual({ total: 7, capped: false });
    expect(await countUpTo(handle.db, rowsOfType(), 7)).toEqual({ total: 7, capped: false });
    expect(await countUpTo(handle.db, rowsOfType(), 6)).toEqual({ total: 6, capped: true });
    expect(await countUpTo(handle.db, rowsOfType("b"), 6)).toEqual({ total: 2, capped: false });
    expect(await countUpTo(handle.db, rowsOfType("none"), 6)).toEqual({ total: 0, capped: false });
  });
});

describe("pageOf", () => {
  const full = Array.from({ length: 25 }, (_, i) => i);
  it("an exact count gives the page count", () => {
    expect(pageOf(full, { total: 60, capped: false }, { offset: 0, perPage: 25 })).toEqual({
      rows: full,
      total: 60,
      pageCount: 3,
    });
  });
  it("a capped count offers the pages within the cap, then one more while the page is full", () => {
    expect(pageOf(full, { total: 100, capped: true }, { offset: 0, perPage: 25 })).toMatchObject({
      pageCount: 4,
      totalCapped: true,
    });
    expect(pageOf(full, { total: 100, capped: true }, { offset: 100, perPage: 25 })).toMatchObject({ pageCount: 6 }); // page 5 is full: 6 may exist
    expect(pageOf([1, 2], { total: 100, capped: true }, { offset: 200, perPage: 25 })).toMatchObject({ pageCount: 9 }); // page 9 is the last
  });
});
