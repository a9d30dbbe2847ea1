import type { EventSource } from "@/db/schema";
// The events table as the outbox: what the pipeline, the job drivers and replays read and write (waiting
// events for the sweepers, replay candidates and their progress, payload retention). The console's
// lists and detail pages read events through db/queries/events.ts.
import { and, asc, count, eq, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type EventStatus, events } from "@/db/schema";
import { type EventFilters, eventFilterConditions } from "./events";

export type EventKey = { source: EventSource; externalId: string };
export type NewDelivery = EventKey & {
  type: string;
  rawBody: string;
  occurredAt: Date | null;
  status: EventStatus;
  correlationId: string;
  /** The handler's serialisation key (`app:<user id>`, `stripe:<customer id>`); null: none. */
  customerKey?: string | null;
};
const stored = {
  id: events.id,
  source: events.source,
  externalId: events.externalId,
  status: events.status,
  correlationId: events.correlationId,
  customerKey: events.customerKey,
};

/** Inserts deliveries not stored yet (one multi-row insert); answers the rows it inserted. */
export async function insertNewEvents(db: Db, rows: NewDelivery[]) {
  return db
    .insert(events)
    .values(rows)
    .onConflictDoNothing({ target: [events.source, events.externalId] })
    .returning(stored);
}

/** Refreshes the planner's statistics of `events` (see lib/ingest/events-stats.ts for when). */
export async function analyzeEvents(db: Db): Promise<void> {
  await db.execute(sql`analyze events`);
}

/** The stored rows of deliveries already there (a duplicate), by (source, external id). */
export async function existingEvents(db: Db, keys: EventKey[]) {
  const pairs = keys.map((k) => sql`(${k.source}::event_source, ${k.externalId})`);
  return db
    .select(stored)
    .from(events)
    .where(sql`(${events.source}, ${events.externalId}) in (${sql.join(pairs, sql`, `)})`);
}

/**
 * What a job driver needs to (re)schedule an event: its id, and its serialisation key as stored at ingest
 * (`customerKey`; undefined when the caller did not read it: then it is made from the payload).
 */
export type SchedulableEvent = {
  id: string;
  source: EventSource;
  type: string;
  rawBody: string | null;
  customerKey?: string | null;
};
const schedulable = {
  id: events.id,
  source: events.source,
  type: events.type,
  rawBody: events.rawBody,
  customerKey: events.customerKey,
};

/**
 * Events stored but never finished, oldest first: `received` before `receivedBefore` (a lost enqueue, a
 * crash before it) and, when `staleBefore` is given, `processing` with no heartbeat since then (a crash).
 */
export async function unfinishedEvents(
  db: Db,
  opts: { receivedBefore: Date; staleBefore?: Date; limit: number },
): Promise<SchedulableEvent[]> {
  const waiting = and(eq(events.status, "received"), lt(events.receivedAt, opts.receivedBefore));
  const orphaned = opts.staleBefore
    ? and(eq(events.status, "processing"), lt(events.updatedAt, opts.staleBefore))
    : undefined;
  return db
    .select(schedulable)
    .from(events)
    .where(orphaned ? or(waiting, orphaned) : waiting)
    .orderBy(asc(events.receivedAt))
    .limit(opts.limit);
}

/**
 * Which of `ids` are still `received` after a claim held them back behind an earlier event of their customer
 * (the held claim stamps `updated_at`): the Inngest sweeper re-sends them under an id of their own, since the
 * first delivery's id (the row id) is already used.
 */
export async function heldBackEvents(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(inArray(events.id, ids), eq(events.status, "received"), sql`${events.updatedAt} > ${events.receivedAt}`),
    );
  return new Set(rows.map((r) => r.id));
}

/** One event's state and schedulable fields (a replay checks the state first). */
export async function eventForReplay(db: Db, id: string) {
  const [row] = await db
    .select({ ...schedulable, status: events.status })
    .from(events)
    .where(eq(events.id, id))
    .limit(1);
  return row;
}

/** The failed events among `ids`, or matching `filter`, oldest first, at most `limit`. */
export async function failedEventsFor(
  db: Db,
  target: { ids: string[] } | { filter: EventFilters },
  limit: number,
): Promise<SchedulableEvent[]> {
  const where =
    "ids" in target
      ? and(inArray(events.id, target.ids.slice(0, limit)), eq(events.status, "failed"))
      : and(...eventFilterConditions({ ...target.filter, status: "failed" }));
  return db.select(schedulable).from(events).where(where).orderBy(asc(events.receivedAt)).limit(limit);
}

/** How many failed events match `filter`, counting no further than `limit`. */
export async function countFailedEvents(db: Db, filter: EventFilters, limit: number): Promise<number> {
  const matching = db
    .select({ id: events.id })
    .from(events)
    .where(and(...eventFilterConditions({ ...filter, status: "failed" })))
    .limit(limit);
  const [row] = await db.select({ n: count() }).from(matching.as("matching"));
  return row?.n ?? 0;
}

/** Status and finish time of each of `ids` that still exists (bulk replay progress). */
export async function eventOutcomes(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({ id: events.id, status: events.status, processedAt: events.processedAt })
    .from(events)
    .where(inArray(events.id, ids));
}

/** Drops the raw payload of up to `batch` events received before `before`; answers how many. */
export async function redactPayloadsBefore(db: Db, before: Date, now: Date, batch: number): Promise<number> {
  const old = db
    .select({ id: events.id })
    .from(events)
    .where(and(lt(events.receivedAt, before), isNotNull(events.rawBody)))
    .limit(batch);
  const rows = await db
    .update(events)
    .set({ rawBody: null, redactedAt: now, updatedAt: now })
    .where(sql`${events.id} in (${old})`)
    .returning({ id: events.id });
  return rows.length;
}

// One event's run (claim, heartbeat, outcome) lives in ./event-run; importers keep importing from here.
export {
  type ClaimedStep,
  type ClaimedEvent,
  type ClaimResult,
  claimEventInOrder,
  claimEvent,
  renewLeases,
  type RecordedStep,
  type FinishOptions,
  type FinishLink,
  isLinkConflict,
  finishEvent,
  type NextInLine,
  finishEventInOrder,
  eventById,
  setEventCustomer,
} from "./event-run";
