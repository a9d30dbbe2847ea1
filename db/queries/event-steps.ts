// The step ledger: one row per named pipeline step of an event (status, attempts, error fields, external
// reference, output, timings), written by the engine and read by replays and the console.
import { and, desc, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type EventStep, eventSteps, events, type StepStatus } from "@/db/schema";
import { STEP, SYNC_STEP, type SyncedSystem } from "@/lib/pipeline/engine/step-names";

type StepKey = { eventId: string; step: string };
const whereStep = (k: StepKey) => and(eq(eventSteps.eventId, k.eventId), eq(eventSteps.step, k.step));

/** Makes sure the event has a row per step; answers every step row of the event. */
export async function ensureStepRows(db: Db, eventId: string, names: string[]): Promise<EventStep[]> {
  if (names.length) {
    const inserted = await db
      .insert(eventSteps)
      .values(names.map((step) => ({ eventId, step })))
      .onConflictDoNothing({ target: [eventSteps.eventId, eventSteps.step] })
      .returning();
    // A first delivery inserts every row: nothing else to read. A replay finds some already there.
    if (inserted.length === names.length) return inserted;
  }
  return db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId));
}

/**
 * Marks the step running and, in the same statement, beats the event's heartbeat for the sweeper (an event
 * whose steps are moving is not stale): one round trip and one commit instead of two.
 */
export async function markStepRunning(db: Db, k: StepKey, at: Date): Promise<void> {
  const running = db.$with("running").as(
    db
      .update(eventSteps)
      .set({
        status: "running",
        attempts: sql`${eventSteps.attempts} + 1`,
        startedAt: at,
        finishedAt: null,
        updatedAt: at,
      })
      .where(whereStep(k))
      .returning({ eventId: eventSteps.eventId }),
  );
  await db
    .with(running)
    .update(events)
    .set({ updatedAt: at })
    .where(and(eq(events.id, k.eventId), sql`exists (select 1 from ${running})`));
}

/** The step's columns when it ends: its outcome, and its reference and output or its error fields. */
export type StepFinish = Pick<EventStep, "status"> &
  Partial<
    Pick<
      EventStep,
      "externalRef" | "output" | "lastError" | "errorService" | "errorStatus" | "errorCode" | "errorMessage"
    >
  >;

export async function markStepFinished(db: Db, k: StepKey, finish: StepFinish, at: Date): Promise<void> {
  await db
    .update(eventSteps)
    .set({ ...finish, finishedAt: at, updatedAt: at })
    .where(whereStep(k));
}

/** Outputs of the event's succeeded steps, by step name (what later steps read). */
export async function succeededStepOutputs(db: Db, eventId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select({ step: eventSteps.step, output: eventSteps.output })
    .from(eventSteps)
    .where(and(eq(eventSteps.eventId, eventId), eq(eventSteps.status, "succeeded")));
  return Object.fromEntries(rows.map((r) => [r.step, r.output]));
}

/**
 * The step this event's current run failed at, from its step rows (for a failure reported without the step's
 * name): a failed step finished after the event's last heartbeat (its own start). A row left failed by an
 * earlier run is older than that, so a run that failed outside any step (claim, finish) names none.
 */
export async function lastFailedStep(db: Db, eventId: string): Promise<string | null> {
  const [row] = await db
    .select({ step: eventSteps.step })
    .from(eventSteps)
    .innerJoin(events, eq(events.id, eventSteps.eventId))
    .where(
      and(
        eq(eventSteps.eventId, eventId),
        eq(eventSteps.status, "failed"),
        gte(eventSteps.updatedAt, events.updatedAt),
      ),
    )
    .orderBy(desc(eventSteps.updatedAt))
    .limit(1);
  return row?.step ?? null;
}

export type LastSync = {
  status: StepStatus;
  at: Date;
  eventId: string;
  /** The readable one-line error (last_error), and its fields. */
  error: string | null;
  errorService: string | null;
  errorStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
};

/** The latest run of each system's sync step among this customer's events (the customer page). */
export async function lastSyncBySystem(db: Db, customerId: string): Promise<Partial<Record<SyncedSystem, LastSync>>> {
  const rows = await db
    .selectDistinctOn([eventSteps.step], {
      step: eventSteps.step,
      status: eventSteps.status,
      error: eventSteps.lastError,
      errorService: eventSteps.errorService,
      errorStatus: eventSteps.errorStatus,
      errorCode: eventSteps.errorCode,
      errorMessage: eventSteps.errorMessage,
      at: eventSteps.updatedAt,
      eventId: eventSteps.eventId,
    })
    .from(eventSteps)
    .innerJoin(events, eq(events.id, eventSteps.eventId))
    .where(and(eq(events.customerId, customerId), inArray(eventSteps.step, Object.values(SYNC_STEP))))
    .orderBy(eventSteps.step, desc(eventSteps.updatedAt));
  const out: Partial<Record<SyncedSystem, LastSync>> = {};
  for (const [system, step] of Object.entries(SYNC_STEP) as [SyncedSystem, string][]) {
    const row = rows.find((r) => r.step === step);
    if (row) {
      const { step: _step, ...sync } = row;
      out[system] = sync;
    }
  }
  return out;
}

// ---- Retention ----

/**
 * Clears the recorded outputs (a resolved customer's email and name, a service's answer) of the steps of events
 * received before `before`, at most `batch` rows a call; the step's name, status, error fields and external
 * reference stay. Answers how many rows were cleared.
 */
export async function redactStepOutputsBefore(db: Db, before: Date, batch: number): Promise<number> {
  const old = db
    .select({ id: eventSteps.id })
    .from(eventSteps)
    .innerJoin(events, eq(events.id, eventSteps.eventId))
    .where(and(lt(events.receivedAt, before), isNotNull(eventSteps.output)))
    .limit(batch);
  const rows = await db
    .update(eventSteps)
    .set({ output: null })
    .where(sql`${eventSteps.id} in (${old})`)
    .returning({ id: eventSteps.id });
  return rows.length;
}

/** The Stripe customer last unlinked from this customer because it was deleted in Stripe, and when. */
export async function lastDeletedStripeCustomer(
  db: Db,
  customerId: string,
): Promise<{ stripeCustomerId: string; at: Date } | undefined> {
  const [row] = await db
    .select({ ref: eventSteps.externalRef, at: eventSteps.finishedAt })
    .from(eventSteps)
    .innerJoin(events, eq(events.id, eventSteps.eventId))
    .where(
      and(
        eq(events.customerId, customerId),
        eq(events.type, "customer.deleted"),
        eq(eventSteps.step, STEP.unlinkIdentity),
        eq(eventSteps.status, "succeeded"),
      ),
    )
    .orderBy(desc(eventSteps.finishedAt))
    .limit(1);
  return row?.ref && row.at ? { stripeCustomerId: row.ref, at: row.at } : undefined;
}
