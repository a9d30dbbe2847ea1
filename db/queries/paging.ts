// Counting for paged lists. An exact count(*) of a million-row filter costs a scan of every match; a
// founder needs "10,000+" there, not the exact figure. Lists count up to COUNT_CAP and say when they stopped.
import { count } from "drizzle-orm";
import type { PgSelect } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import type { PageResult } from "@/lib/schemas/table-params";

export const COUNT_CAP = 10_000;

export type Counted = { total: number; capped: boolean };

/** Counts the rows `query` selects, reading at most cap + 1 of them. */
export async function countUpTo(db: Db, query: PgSelect, cap = COUNT_CAP): Promise<Counted> {
  const [row] = await db.select({ n: count() }).from(query.limit(cap + 1).as("counted"));
  const n = row?.n ?? 0;
  return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
}

/** The page answer: past the cap, one more page is offered while the current one is full. */
export function pageOf<T>(rows: T[], counted: Counted, window: { offset: number; perPage: number }): PageResult<T> {
  const page = Math.floor(window.offset / window.perPage) + 1;
  const pageCount = counted.capped
    ? Math.max(Math.ceil(counted.total / window.perPage), rows.length === window.perPage ? page + 1 : page)
    : Math.ceil(counted.total / window.perPage);
  return { rows, total: counted.total, pageCount, ...(counted.capped ? { totalCapped: true } : {}) };
}
