// Replays, shared by the console's buttons and the admin API. A replay re-runs only the steps that did not
// succeed (or, forced, every step: each is idempotent); it never duplicates a side effect already made.
import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { events } from "@/db/schema";
import { eventFilterConditions, type EventFilters } from "@/db/queries/events";
import { audit } from "@/lib/audit";
import { env } from "@/lib/env";
import { enqueueEvent, getInlineRunner } from "@/lib/jobs";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";
import type { ProcessOutcome } from "@/lib/pipeline/engine/process-event";
import type { Actor } from "@/lib/auth/roles";

export type ReplayResult =
  | { ok: true; eventId: string; outcome: ProcessOutcome | { status: "queued" } }
  | { ok: false; status: 404 | 409; error: string };

/** Replays one event: its failed steps, or every step with `force`. Inline: waits for the outcome. */
export async function replayEvent(db: Db, actor: Actor, eventId: string, opts: { force?: boolean } = {}): Promise<ReplayResult> {
  const [event] = await db
    .select({ id: events.id, status: events.status, source: events.source, type: events.type, rawBody: events.rawBody })
    .from(events)
    .where(eq(events.id, eventId))
    .limit(1);
  if (!event) return { ok: false, status: 404, error: "No such event." };
  if (event.status === "received" || event.status === "processing")
    return { ok: false, status: 409, error: `The event is ${event.status}: wait for it to finish before replaying.` };
  if (!opts.force && event.status !== "failed")
    return { ok: false, status: 409, error: `Only failed events replay their failed steps; this one is ${event.status}. Use force to re-run every step.` };
  const mode = opts.force ? "replay-all" : "replay-failed";
  await audit(db, actor, opts.force ? "event.replay_all" : "event.replay_failed", { type: "event", id: eventId }, { type: event.type, previousStatus: event.status });
  if (env.JOBS_DRIVER === "inline") {
    const outcome = await getInlineRunner().run(eventId, customerKeyOf(event.source, event.type, event.rawBody), mode);
    return { ok: true, eventId, outcome };
  }
  await enqueueEvent(event, mode);
  return { ok: true, eventId, outcome: { status: "queued" } };
}

export const BULK_REPLAY_LIMIT = 10_000;

/**
 * Replays the failed events among `ids`, or all failed events matching `filter` (at most
 * BULK_REPLAY_LIMIT). Answers how many were queued; the events list shows their progress.
 */
export async function bulkReplay(db: Db, actor: Actor, target: { ids: string[] } | { filter: EventFilters }): Promise<{ queued: number; eventIds: string[] }> {
  const where =
    "ids" in target
      ? and(inArray(events.id, target.ids.slice(0, BULK_REPLAY_LIMIT)), eq(events.status, "failed"))
      : and(...eventFilterConditions({ ...target.filter, status: "failed" }));
  const rows = await db
    .select({ id: events.id, source: events.source, type: events.type, rawBody: events.rawBody })
    .from(events)
    .where(where)
    .orderBy(asc(events.receivedAt))
    .limit(BULK_REPLAY_LIMIT);
  await audit(db, actor, "event.bulk_replay", null, { count: rows.length, ...("ids" in target ? { ids: target.ids.length } : { filter: target.filter }) });
  if (env.JOBS_DRIVER === "inline") {
    const runner = getInlineRunner();
    for (const row of rows) void runner.run(row.id, customerKeyOf(row.source, row.type, row.rawBody), "replay-failed");
  } else {
    for (const row of rows) await enqueueEvent(row, "replay-failed");
  }
  return { queued: rows.length, eventIds: rows.map((r) => r.id) };
}

/** Counts what a bulk replay of this filter would queue (for the confirmation). */
export async function countReplayable(db: Db, filter: EventFilters): Promise<number> {
  const matching = db.select({ id: events.id }).from(events).where(and(...eventFilterConditions({ ...filter, status: "failed" }))).limit(BULK_REPLAY_LIMIT);
  const [row] = await db.select({ n: count() }).from(matching.as("matching"));
  return row?.n ?? 0;
}
