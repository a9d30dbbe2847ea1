// Runs one named step of an event and records it in event_steps: status, attempts, error, reference, timings.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { eventSteps, events, type EventStep } from "@/db/schema";
import { IntegrationError } from "@/lib/integrations/errors";
import type { StepResult } from "./types";

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

/** One attempt of a step: marks it running, runs it, records the outcome; rethrows failures. */
export async function attemptStep(db: Db, eventId: string, step: string, run: () => Promise<StepResult>): Promise<StepResult> {
  const where = and(eq(eventSteps.eventId, eventId), eq(eventSteps.step, step));
  const started = new Date();
  // Marks the step running and, in the same statement, beats the event's heartbeat for the sweeper (an
  // event whose steps are moving is not stale): one round trip and one commit instead of two.
  const running = db.$with("running").as(
    db
      .update(eventSteps)
      .set({ status: "running", attempts: sql`${eventSteps.attempts} + 1`, startedAt: started, finishedAt: null, updatedAt: started })
      .where(where)
      .returning({ eventId: eventSteps.eventId }),
  );
  await db.with(running).update(events).set({ updatedAt: started }).where(and(eq(events.id, eventId), sql`exists (select 1 from ${running})`));
  try {
    const result = await run();
    const finished = new Date();
    await db
      .update(eventSteps)
      .set({
        status: result?.skipped ? "skipped" : "succeeded",
        externalRef: result?.externalRef ?? null,
        output: (result?.output ?? null) as never,
        lastError: null,
        errorStatus: null,
        finishedAt: finished,
        updatedAt: finished,
      })
      .where(where);
    return result;
  } catch (err) {
    const finished = new Date();
    await db
      .update(eventSteps)
      .set({ status: "failed", lastError: describeError(err), errorStatus: err instanceof IntegrationError ? (err.status ?? null) : null, finishedAt: finished, updatedAt: finished })
      .where(where);
    throw err;
  }
}

/** A message for the console: the service and its status, or the database's own words (a failed query's
 * text and parameters, which may hold customer data, are left out). */
export function describeError(err: unknown): string {
  if (err instanceof IntegrationError) return `${err.service}${err.status ? ` ${err.status}` : ""}: ${err.message}`.slice(0, 2000);
  const cause = (err as { cause?: { message?: string } })?.cause;
  if (err instanceof Error && err.message.startsWith("Failed query") && cause?.message) return `database: ${cause.message}`.slice(0, 2000);
  return (err instanceof Error ? err.message : String(err)).slice(0, 2000);
}
