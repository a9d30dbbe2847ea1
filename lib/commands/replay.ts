// Replays, shared by the console's buttons and the admin API. A replay re-runs only the steps that did not
// succeed (or, forced, every step: each is idempotent); it never duplicates a side effect already made.
import type { Db } from "@/db";
import { audit } from "@/db/queries/audit";
import { countFailedEvents, eventForReplay, failedEventsFor } from "@/db/queries/event-processing";
import type { EventFilters } from "@/db/queries/events";
import { replayLater, replayNow } from "@/lib/jobs";
import type { ProcessOutcome } from "@/lib/pipeline/engine/process-event";
import type { Actor } from "@/lib/auth/roles";

export type ReplayResult =
  | { ok: true; eventId: string; outcome: ProcessOutcome | { status: "queued" } }
  | { ok: false; status: 404 | 409; error: string };

/** Replays one event: its failed steps, or every step with `force`. Inline: waits for the outcome. */
export async function replayEvent(
  db: Db,
  actor: Actor,
  eventId: string,
  opts: { force?: boolean } = {},
): Promise<ReplayResult> {
  const event = await eventForReplay(db, eventId);
  if (!event) return { ok: false, status: 404, error: "No such event." };
  if (event.status === "received" || event.status === "processing")
    return { ok: false, status: 409, error: `The event is ${event.status}: wait for it to finish before replaying.` };
  if (!opts.force && event.status !== "failed")
    return {
      ok: false,
      status: 409,
      error: `Only failed events replay their failed steps; this one is ${event.status}. Use force to re-run every step.`,
    };
  const mode = opts.force ? "replay-all" : "replay-failed";
  await audit(
    db,
    actor,
    opts.force ? "event.replay_all" : "event.replay_failed",
    { type: "event", id: eventId },
    { type: event.type, previousStatus: event.status },
  );
  return { ok: true, eventId, outcome: await replayNow(event, mode) };
}

export const BULK_REPLAY_LIMIT = 10_000;

/**
 * Replays the failed events among `ids`, or all failed events matching `filter` (at most
 * BULK_REPLAY_LIMIT). Answers how many were queued; the events list shows their progress.
 */
export async function bulkReplay(
  db: Db,
  actor: Actor,
  target: { ids: string[] } | { filter: EventFilters },
): Promise<{ queued: number; eventIds: string[] }> {
  const rows = await failedEventsFor(db, target, BULK_REPLAY_LIMIT);
  await audit(db, actor, "event.bulk_replay", null, {
    count: rows.length,
    ...("ids" in target ? { ids: target.ids.length } : { filter: target.filter }),
  });
  await replayLater(rows, "replay-failed");
  return { queued: rows.length, eventIds: rows.map((r) => r.id) };
}

/** Counts what a bulk replay of this filter would queue (for the confirmation). */
export async function countReplayable(db: Db, filter: EventFilters): Promise<number> {
  return countFailedEvents(db, filter, BULK_REPLAY_LIMIT);
}
