import type { EventSource } from "@/db/schema";
// The events table as the outbox: what the pipeline, the job drivers and replays read and write (waiting
// events for the sweepers, replay candidates and their progress, payload retention). The console's
// lists and detail pages read events through db/queries/events.ts.
import { and, asc, count, eq, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type Event, type EventStatus, events } from "@/db/schema";
import { type EventFilters, eventFilterConditions } from "./events";

export type EventKey = { source: EventSource; externalId: string };
export type NewDelivery = EventKey & {
  type: string;
  rawBody: string;
  occurredAt: Date | null;
  status: EventStatus;
  correlationId: string;
};
const stored = {
  id: events.id,
  source: events.source,
  externalId: events.externalId,
  status: events.status,
  correlationId: events.correlationId,
};

/** Inserts deliveries not stored yet (one multi-row insert); answers the rows it inserted. */
export async function insertNewEvents(db: Db, rows: NewDelivery[]) {
  return db
    .insert(events)
    .values(rows)
    .onConflictDoNothing({ target: [events.source, events.externalId] })
    .returning(stored);
}

/** The stored rows of deliveries already there (a duplicate), by (source, external id). */
export async function existingEvents(db: Db, keys: EventKey[]) {
  const pairs = keys.map((k) => sql`(${k.source}::event_source, ${k.externalId})`);
  return db
    .select(stored)
    .from(events)
    .where(sql`(${events.source}, ${events.externalId}) in (${sql.join(pairs, sql`, `)})`);
}

/** What a job driver needs to (re)schedule an event: its id, and what its serialisation key is made of. */
export type SchedulableEvent = { id: string; source: EventSource; type: string; rawBody: string | null };
const schedulable = { id: events.id, source: events.source, type: events.type, rawBody: events.rawBody };

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

// ---- One event's run (the engine) ----

/**
 * Moves the event to `processing` if its status is one of `claimable`, or it is stuck in `processing` with
 * no heartbeat since `staleBefore`; answers the claimed row, or undefined when someone else has it.
 */
export async function claimEvent(
  db: Db,
  eventId: string,
  claimable: EventStatus[],
  staleBefore: Date,
): Promise<Event | undefined> {
  const [row] = await db
    .update(events)
    .set({
      status: "processing",
      attempts: sql`${events.attempts} + 1`,
      updatedAt: new Date(),
      lastError: null,
      failedStep: null,
    })
    .where(
      and(
        eq(events.id, eventId),
        or(inArray(events.status, claimable), and(eq(events.status, "processing"), lt(events.updatedAt, staleBefore))),
      ),
    )
    .returning();
  return row;
}

/**
 * The heartbeat of the events this process holds: one statement renews the lease (`updated_at`) of every
 * event still `processing` under the claim it made (`attempts`, raised by each claim, is the fencing token).
 * Answers the ids renewed; one missing has finished, or was reclaimed by another worker after its lease ran out.
 */
export async function renewLeases(db: Db, held: { id: string; attempts: number }[], now: Date): Promise<string[]> {
  if (!held.length) return [];
  const pairs = held.map((h) => sql`(${h.id}::uuid, ${h.attempts}::int)`);
  const rows = await db
    .update(events)
    .set({ updatedAt: now })
    .where(
      and(eq(events.status, "processing"), sql`(${events.id}, ${events.attempts}) in (${sql.join(pairs, sql`, `)})`),
    )
    .returning({ id: events.id });
  return rows.map((r) => r.id);
}

/** Records the outcome; a failure names the step it stopped at when there is one (its row holds the error's fields). */
export async function finishEvent(
  db: Db,
  eventId: string,
  status: EventStatus,
  lastError: string | null,
  failedStep: string | null = null,
): Promise<void> {
  const now = new Date();
  await db
    .update(events)
    .set({ status, lastError, failedStep, processedAt: now, updatedAt: now })
    .where(eq(events.id, eventId));
}

export async function eventById(db: Db, eventId: string): Promise<Event | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, eventId)).limit(1);
  return row;
}

/** Links the event to its customer once a step knows who it is. */
export async function setEventCustomer(db: Db, eventId: string, customerId: string): Promise<void> {
  await db.update(events).set({ customerId }).where(eq(events.id, eventId));
}
