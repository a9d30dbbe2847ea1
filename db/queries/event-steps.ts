// The step ledger: one row per named pipeline step of an event (status, attempts, error fields, external
// reference, output, timings), written by the engine and read by replays and the console.
import { and, desc, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { type Db, executePrepared } from "@/db";
import { type EventStep, eventSteps, events, type StepStatus } from "@/db/schema";
import { STEP, SYNC_STEP, type SyncedSystem } from "@/lib/pipeline/engine/step-names";

type StepKey = { eventId: string; step: string };

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

/** The step's columns when it ends: its outcome, and its reference and output or its error fields. */
export type StepFinish = Pick<EventStep, "status"> &
  Partial<
    Pick<
      EventStep,
      "externalRef" | "output" | "lastError" | "errorService" | "errorStatus" | "errorCode" | "errorMessage"
    >
  >;

/**
 * Records one attempt of a step at once (its outcome, error fields, reference and output, and the attempt
 * appended to `attempt_log`) and beats the event's heartbeat, in one statement: no row is written while the
 * step runs (the lease's heartbeat says the event is alive). With `fence` (the claim's `attempts`) nothing is
 * written once another worker has reclaimed the event. Answers whether it wrote.
 */
export async function recordStepAttempt(
  db: Db,
  k: StepKey,
  finish: StepFinish,
  timing: { startedAt: Date; finishedAt: Date },
  fence?: number,
): Promise<boolean> {
  const f = {
    externalRef: null,
    output: null,
    lastError: null,
    errorService: null,
    errorStatus: null,
    errorCode: null,
    errorMessage: null,
    ...finish,
  };
  const attempt = JSON.stringify({
    startedAt: timing.startedAt.toISOString(),
    finishedAt: timing.finishedAt.toISOString(),
    durationMs: timing.finishedAt.getTime() - timing.startedAt.getTime(),
    status: f.status,
    error: f.lastError,
  });
  const output = f.output === null || f.output === undefined ? null : JSON.stringify(f.output);
  // Prepared (planned once per connection), one text per shape: fenced by the claim or not.
  const fenced = fence === undefined ? sql`` : sql` and attempts = ${fence}::int and status = 'processing'`;
  const [row] = await executePrepared<{ recorded: number }>(
    db,
    sql`
      with ev as (
        update events set updated_at = now()
        where id = ${k.eventId}::uuid${fenced}
        returning id
      ), rec as (
        insert into event_steps as es (event_id, step, status, attempts, external_ref, output, last_error, error_service,
          error_status, error_code, error_message, started_at, finished_at, updated_at, attempt_log)
        select ev.id, ${k.step}, ${f.status}::step_status, 1, ${f.externalRef}, ${output}::jsonb, ${f.lastError},
          ${f.errorService}, ${f.errorStatus}::int, ${f.errorCode}, ${f.errorMessage},
          ${timing.startedAt.toISOString()}::timestamptz, ${timing.finishedAt.toISOString()}::timestamptz, now(),
          jsonb_build_array(${attempt}::jsonb || '{"attempt":1}'::jsonb)
        from ev
        on conflict (event_id, step) do update set status = excluded.status, attempts = es.attempts + 1,
          external_ref = excluded.external_ref, output = excluded.output, last_error = excluded.last_error,
          error_service = excluded.error_service, error_status = excluded.error_status, error_code = excluded.error_code,
          error_message = excluded.error_message, started_at = excluded.started_at, finished_at = excluded.finished_at,
          updated_at = excluded.updated_at,
          attempt_log = es.attempt_log || jsonb_build_array(excluded.attempt_log -> 0 || jsonb_build_object('attempt', es.attempts + 1))
        returning 1
      )
      select count(*)::int as recorded from rec`,
  );
  return (row?.recorded ?? 0) > 0;
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
