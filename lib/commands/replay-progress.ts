// Progress of a bulk replay, for the console's "x of N done, y failed" and GET /api/admin/replays/:id: read
// from the replay's events in the database (so it survives the instance that started it and shows to every
// admin). An event counts as done once it succeeded, or failed again after the replay was queued; until then
// it is waiting (`received`, for whichever instance's sweeper) or running. The first reader to see nothing
// pending marks the replay finished.
import type { Db } from "@/db";
import { bulkReplayById, bulkReplayCounts, markBulkReplayFinished, recentBulkReplays } from "@/db/queries/bulk-replays";
import type { BulkReplay, BulkReplayStatus } from "@/db/schema";

export type ReplayProgress = {
  total: number;
  /** Finished since the replay was queued, whatever the outcome (succeeded + failed + missing). */
  done: number;
  succeeded: number;
  /** Failed again on this replay. */
  failed: number;
  /** Still waiting for its turn or running. */
  pending: number;
  /** No longer in the database (deleted meanwhile): finished, with no outcome to report. */
  missing: number;
  /** The ids that failed again (the first 50), so the console can link to them. */
  failedIds: string[];
};

/** A bulk replay as the admin API and the console show it. */
export type BulkReplayView = ReplayProgress & {
  id: string;
  status: BulkReplayStatus;
  requestedBy: string;
  target: unknown;
  queuedAt: string;
  finishedAt: string | null;
  /** Why handing the events to the engine failed (the sweeper runs them anyway). */
  error: string | null;
};

/** Folds the database's counts into the progress figures. */
export function progressOf(
  total: number,
  counts: { present: number; succeeded: number; failed: number; failedIds: string[] },
): ReplayProgress {
  const missing = Math.max(0, total - counts.present);
  const pending = Math.max(0, counts.present - counts.succeeded - counts.failed);
  return {
    total,
    done: counts.succeeded + counts.failed + missing,
    succeeded: counts.succeeded,
    failed: counts.failed,
    pending,
    missing,
    failedIds: counts.failedIds,
  };
}

async function viewOf(db: Db, row: BulkReplay, now: Date): Promise<BulkReplayView> {
  const progress = progressOf(row.total, await bulkReplayCounts(db, row.id));
  let { status, finishedAt } = row;
  if (progress.pending === 0 && status !== "finished") {
    await markBulkReplayFinished(db, row.id, now);
    status = "finished";
    finishedAt = now;
  }
  return {
    id: row.id,
    status,
    requestedBy: row.requestedBy,
    target: row.target,
    queuedAt: row.queuedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    error: row.error,
    ...progress,
  };
}

/** One bulk replay with its progress, or undefined for an unknown id. */
export async function bulkReplayProgress(db: Db, id: string, now = new Date()): Promise<BulkReplayView | undefined> {
  const row = await bulkReplayById(db, id);
  return row ? viewOf(db, row, now) : undefined;
}

/** The newest bulk replays with their progress (`unfinished`: only those still queued or running). */
export async function recentReplays(
  db: Db,
  opts: { limit?: number; unfinished?: boolean } = {},
  now = new Date(),
): Promise<BulkReplayView[]> {
  const rows = await recentBulkReplays(db, { limit: opts.limit ?? 20, unfinished: opts.unfinished });
  const views: BulkReplayView[] = [];
  for (const row of rows) views.push(await viewOf(db, row, now));
  return opts.unfinished ? views.filter((v) => v.status !== "finished") : views;
}
