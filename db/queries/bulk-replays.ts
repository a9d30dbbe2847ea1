// Bulk replays kept in the database (bulk_replays): the row that names what was re-queued, the reset of the
// chosen failed events to `received` (so any instance's sweeper finishes them if the starter dies), and the
// progress read back from those events. lib/commands/replay.ts and replay-progress.ts are the callers.
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { type BulkReplay, bulkReplays, events } from "@/db/schema";
import type { SchedulableEvent } from "./event-processing";

/**
 * Sets the failed events among `ids` back to `received` and answers them. Only rows still `failed` move: a
 * second replay of the same events (or a concurrent one) finds them `received` and takes none of them, so no
 * event is queued twice. The earlier error stays on the row until the run's claim clears it.
 */
export async function requeueFailedEvents(db: Db, ids: string[], now: Date): Promise<SchedulableEvent[]> {
  if (!ids.length) return [];
  return db
    .update(events)
    .set({ status: "received", updatedAt: now })
    .where(and(inArray(events.id, ids), eq(events.status, "failed")))
    .returning({ id: events.id, source: events.source, type: events.type, rawBody: events.rawBody });
}

export async function insertBulkReplay(
  db: Db,
  row: { requestedBy: string; target: unknown; eventIds: string[]; queuedAt: Date },
): Promise<BulkReplay> {
  const empty = row.eventIds.length === 0;
  const [inserted] = await db
    .insert(bulkReplays)
    .values({
      requestedBy: row.requestedBy,
      target: row.target,
      eventIds: row.eventIds,
      total: row.eventIds.length,
      // Nothing to replay is finished at once: no sweeper or reader has anything to wait for.
      status: empty ? "finished" : "queued",
      finishedAt: empty ? row.queuedAt : null,
      queuedAt: row.queuedAt,
      updatedAt: row.queuedAt,
    })
    .returning();
  return inserted!;
}

export async function bulkReplayById(db: Db, id: string): Promise<BulkReplay | undefined> {
  const [row] = await db.select().from(bulkReplays).where(eq(bulkReplays.id, id)).limit(1);
  return row;
}

/** The newest bulk replays first; `unfinished` keeps those still queued or running (the console's bar). */
export async function recentBulkReplays(db: Db, opts: { limit: number; unfinished?: boolean }): Promise<BulkReplay[]> {
  return db
    .select()
    .from(bulkReplays)
    .where(opts.unfinished ? ne(bulkReplays.status, "finished") : undefined)
    .orderBy(desc(bulkReplays.queuedAt))
    .limit(opts.limit);
}

/** queued → running once the events were handed to the engine (never moves a finished row back). */
export async function markBulkReplayRunning(db: Db, id: string, now: Date): Promise<void> {
  await db
    .update(bulkReplays)
    .set({ status: "running", updatedAt: now })
    .where(and(eq(bulkReplays.id, id), eq(bulkReplays.status, "queued")));
}

/** Records why the hand-over failed; the status stays: the sweeper still runs the `received` rows. */
export async function noteBulkReplayError(db: Db, id: string, error: string, now: Date): Promise<void> {
  await db.update(bulkReplays).set({ error, updatedAt: now }).where(eq(bulkReplays.id, id));
}

/** Marks the replay finished (once: the first reader to see nothing pending sets the time). */
export async function markBulkReplayFinished(db: Db, id: string, now: Date): Promise<void> {
  await db
    .update(bulkReplays)
    .set({ status: "finished", finishedAt: now, updatedAt: now })
    .where(and(eq(bulkReplays.id, id), ne(bulkReplays.status, "finished")));
}

export type BulkReplayCounts = { present: number; succeeded: number; failed: number; failedIds: string[] };

/**
 * Where the replay's events stand, counted in the database (up to 10,000 ids, so not sent back and forth):
 * succeeded or ignored; failed again since the replay was queued; present at all (the rest were deleted).
 * The ids that failed again, the first `failedIdLimit` of them, for the console's links.
 */
export async function bulkReplayCounts(db: Db, id: string, failedIdLimit = 50): Promise<BulkReplayCounts> {
  const [row] = await rowsOf<{ present: number; succeeded: number; failed: number; failed_ids: string[] | null }>(
    db.execute(sql`
      select count(e.id)::int as present,
             count(e.id) filter (where e.status in ('succeeded', 'ignored'))::int as succeeded,
             count(e.id) filter (where e.status = 'failed' and e.processed_at >= r.queued_at)::int as failed,
             (array_agg(e.id::text order by e.id) filter (where e.status = 'failed' and e.processed_at >= r.queued_at))[1:${failedIdLimit}] as failed_ids
      from bulk_replays r
      cross join lateral unnest(r.event_ids) as x(id)
      left join events e on e.id = x.id
      where r.id = ${id}::uuid`),
  );
  return {
    present: row?.present ?? 0,
    succeeded: row?.succeeded ?? 0,
    failed: row?.failed ?? 0,
    failedIds: row?.failed_ids ?? [],
  };
}
