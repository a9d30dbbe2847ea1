// Sync cursors: where a long-running reader of a provider stopped (the Stripe events backfill, the adoption
// import), and the lease that lets one process at a time run it. Also the count of events that arrived by
// backfill (each one a webhook delivery that never reached us).
import { and, count, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type SyncCursor, events, syncCursors } from "@/db/schema";

/** The cursor row, or undefined when that reader never ran. */
export async function getSyncCursor(db: Db, name: string): Promise<SyncCursor | undefined> {
  const [row] = await db.select().from(syncCursors).where(eq(syncCursors.name, name)).limit(1);
  return row;
}

/**
 * Takes the lease of `name` when nobody holds it or the holder's lease started before `staleBefore` (a
 * crashed run): one atomic UPDATE, so of two processes asking at once exactly one gets it. Answers the row
 * as taken (its `runningSince` is `now`, the token to renew and release with), or null with the holder's
 * start when someone else runs it.
 */
export async function acquireSyncLease(
  db: Db,
  name: string,
  now: Date,
  staleBefore: Date,
): Promise<{ row: SyncCursor; heldSince?: undefined } | { row: null; heldSince: Date | null }> {
  await db.insert(syncCursors).values({ name, updatedAt: now }).onConflictDoNothing({ target: syncCursors.name });
  const [row] = await db
    .update(syncCursors)
    .set({ runningSince: now, updatedAt: now })
    .where(
      and(eq(syncCursors.name, name), or(isNull(syncCursors.runningSince), lt(syncCursors.runningSince, staleBefore))),
    )
    .returning();
  if (row) return { row };
  const holder = await getSyncCursor(db, name);
  return { row: null, heldSince: holder?.runningSince ?? null };
}

/** Moves a held lease's start to `now` (a long run stays ahead of the stale limit); false when it was lost. */
export async function renewSyncLease(db: Db, name: string, held: Date, now: Date): Promise<boolean> {
  const rows = await db
    .update(syncCursors)
    .set({ runningSince: now, updatedAt: now })
    .where(and(eq(syncCursors.name, name), eq(syncCursors.runningSince, held)))
    .returning({ name: syncCursors.name });
  return rows.length === 1;
}

/**
 * Ends a held lease: records the run (`lastRunAt`, `lastResult`) and, when given, the new cursor. Only the
 * holder's release counts (a run whose lease was taken over after going stale changes nothing).
 */
export async function releaseSyncLease(
  db: Db,
  name: string,
  held: Date,
  outcome: { now: Date; result: unknown; cursor?: unknown },
): Promise<boolean> {
  const rows = await db
    .update(syncCursors)
    .set({
      runningSince: null,
      lastRunAt: outcome.now,
      lastResult: outcome.result,
      updatedAt: outcome.now,
      ...(outcome.cursor === undefined ? {} : { cursor: outcome.cursor }),
    })
    .where(and(eq(syncCursors.name, name), eq(syncCursors.runningSince, held)))
    .returning({ name: syncCursors.name });
  return rows.length === 1;
}

/** How many events arrived by backfill since `since` (the overview: deliveries that failed to reach us). */
export async function backfilledSince(db: Db, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(events)
    .where(
      and(sql`${events.arrivedVia} <> 'webhook'`, eq(events.arrivedVia, "backfill"), gte(events.receivedAt, since)),
    );
  return row?.n ?? 0;
}

/** Saves a held lease's cursor mid-run (a run killed after a page resumes after that page); false when lost. */
export async function saveSyncCursor(db: Db, name: string, held: Date, cursor: unknown): Promise<boolean> {
  const rows = await db
    .update(syncCursors)
    .set({ cursor, updatedAt: new Date() })
    .where(and(eq(syncCursors.name, name), eq(syncCursors.runningSince, held)))
    .returning({ name: syncCursors.name });
  return rows.length === 1;
}

/** The adoption import's events by status: how far the pipeline got with what the import stored. */
export async function eventsOfTypeByStatus(db: Db, type: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: events.status, n: count() })
    .from(events)
    .where(eq(events.type, type))
    .groupBy(events.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
