// Replays, shared by the console's buttons and the admin API. A replay re-runs only the steps that did not
// succeed (or, forced, every step: each is idempotent); it never duplicates a side effect already made.
import { type Db, inTransaction } from "@/db";
import { audit } from "@/db/queries/audit";
import {
  insertBulkReplay,
  markBulkReplayRunning,
  noteBulkReplayError,
  requeueFailedEvents,
} from "@/db/queries/bulk-replays";
import {
  countFailedEvents,
  eventForReplay,
  failedEventsFor,
  type SchedulableEvent,
} from "@/db/queries/event-processing";
import type { EventFilters } from "@/db/queries/events";
import { enqueueBulkReplay, replayNow } from "@/lib/jobs";
import { log } from "@/lib/log";
import { bulkReplayProgress } from "./replay-progress";
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

export type BulkReplayTarget = { ids: string[] } | { filter: EventFilters };
export type BulkReplayResult = { replayId: string; queued: number; eventIds: string[] };
/** Hands the re-queued events to the engine (lib/jobs `enqueueBulkReplay`); tests pass one that "crashes". */
export type BulkReplayEnqueue = (
  replayId: string,
  events: SchedulableEvent[],
  settled: () => Promise<unknown>,
) => Promise<{ unsent: number }>;

/**
 * Replays the failed events among `ids`, or all failed events matching `filter` (at most BULK_REPLAY_LIMIT),
 * durably: one transaction records the replay (bulk_replays), sets those events back to `received` and audits
 * it; only then are they handed to the engine, for speed. If that hand-over fails or this instance dies, the
 * rows are still `received` and any instance's sweeper finishes them; the progress is read from the database
 * (./replay-progress.ts). An event already re-queued (by this or another replay) is not taken twice.
 */
export async function bulkReplay(
  db: Db,
  actor: Actor,
  target: BulkReplayTarget,
  opts: { enqueue?: BulkReplayEnqueue } = {},
): Promise<BulkReplayResult> {
  const candidates = await failedEventsFor(db, target, BULK_REPLAY_LIMIT);
  // JS time, like the engine's finish times, so "failed again since" compares clocks of one kind.
  const queuedAt = new Date();
  const { replay, rows } = await inTransaction(db, async (tx) => {
    const requeued = await requeueFailedEvents(
      tx,
      candidates.map((c) => c.id),
      queuedAt,
    );
    // Oldest first, as selected: one customer's events keep their order in the runner.
    const byId = new Map(requeued.map((r) => [r.id, r]));
    const ordered = candidates.flatMap((c) => byId.get(c.id) ?? []);
    const row = await insertBulkReplay(tx, {
      requestedBy: actor.email,
      target,
      eventIds: ordered.map((r) => r.id),
      queuedAt,
    });
    await audit(
      tx,
      actor,
      "event.bulk_replay",
      { type: "bulk_replay", id: row.id },
      {
        count: ordered.length,
        ...("ids" in target ? { ids: target.ids.length } : { filter: target.filter }),
      },
    );
    return { replay: row, rows: ordered };
  });
  if (rows.length) {
    const settled = () => bulkReplayProgress(db, replay.id);
    const { unsent } = await (opts.enqueue ?? enqueueBulkReplay)(replay.id, rows, settled).catch((err: unknown) => {
      log.error("replay.enqueue_failed", { replayId: replay.id, error: err });
      return { unsent: rows.length };
    });
    if (unsent > 0) {
      log.warn("replay.left_to_sweeper", { replayId: replay.id, unsent });
      await noteBulkReplayError(
        db,
        replay.id,
        `${unsent} event(s) could not be handed to the job engine; the sweeper runs them.`,
        new Date(),
      ).catch((err) => log.error("replay.note_failed", { replayId: replay.id, error: err }));
    }
    if (unsent < rows.length)
      await markBulkReplayRunning(db, replay.id, new Date()).catch((err) =>
        log.error("replay.note_failed", { replayId: replay.id, error: err }),
      );
  }
  return { replayId: replay.id, queued: rows.length, eventIds: rows.map((r) => r.id) };
}

/** Counts what a bulk replay of this filter would queue (for the confirmation). */
export async function countReplayable(db: Db, filter: EventFilters): Promise<number> {
  return countFailedEvents(db, filter, BULK_REPLAY_LIMIT);
}
