// What the Inngest sweeper cron re-sends: events stored but never finished. Like unfinishedEvents
// (event-processing.ts), with the status and the claim count, so that a re-send of an event stuck in
// `processing` gets an Inngest event id of its own (the first delivery's id is deduplicated by Inngest for 24 h).
import { and, asc, eq, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { type Event, events } from "@/db/schema";

export type SweepCandidate = Pick<Event, "id" | "source" | "type" | "rawBody" | "status" | "attempts">;

/**
 * `received` before `receivedBefore` (a lost send, a crash before it) and `processing` with no heartbeat
 * (events.updated_at) since `staleBefore` (a run that died or was lost), oldest first.
 */
export async function sweepCandidates(
  db: Db,
  opts: { receivedBefore: Date; staleBefore: Date; limit: number },
): Promise<SweepCandidate[]> {
  return db
    .select({
      id: events.id,
      source: events.source,
      type: events.type,
      rawBody: events.rawBody,
      status: events.status,
      attempts: events.attempts,
    })
    .from(events)
    .where(
      or(
        and(eq(events.status, "received"), lt(events.receivedAt, opts.receivedBefore)),
        and(eq(events.status, "processing"), lt(events.updatedAt, opts.staleBefore)),
      ),
    )
    .orderBy(asc(events.receivedAt))
    .limit(opts.limit);
}
