// Progress of a bulk replay, for the console's "x of N done, y failed": an event counts as done once
// it has finished (again) after the replay was queued; until then it is still waiting or running.
import type { Db } from "@/db";
import { eventOutcomes } from "@/db/queries/event-processing";

export type ReplayProgress = {
  total: number;
  /** Finished since the replay was queued, whatever the outcome (succeeded + failed). */
  done: number;
  succeeded: number;
  /** Failed again on this replay. */
  failed: number;
  /** Still waiting for its turn or running. */
  pending: number;
  /** No longer in the database (deleted meanwhile): finished, with no outcome to report. */
  missing: number;
  /** The ids that failed again, so the console can link to them. */
  failedIds: string[];
};

/** Counts where each of `ids` stands relative to `since` (the time the replay was queued). */
export async function replayProgress(db: Db, ids: string[], since: Date): Promise<ReplayProgress> {
  const rows = await eventOutcomes(db, ids);
  const progress: ReplayProgress = {
    total: ids.length,
    done: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    missing: 0,
    failedIds: [],
  };
  for (const row of rows) {
    const finishedSince = row.processedAt !== null && row.processedAt.getTime() >= since.getTime();
    if (row.status === "succeeded" || row.status === "ignored") {
      progress.succeeded++;
    } else if (row.status === "failed" && finishedSince) {
      progress.failed++;
      progress.failedIds.push(row.id);
    } else {
      progress.pending++;
    }
  }
  progress.missing = ids.length - rows.length;
  progress.done = progress.succeeded + progress.failed + progress.missing;
  return progress;
}
