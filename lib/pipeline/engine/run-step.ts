// Runs one attempt of a named step of an event and records it in the step ledger (db/queries/event-steps):
// status, attempts, error (service, status, code, message; see step-error.ts), reference, timings.
import type { Db } from "@/db";
import { markStepFinished, markStepRunning } from "@/db/queries/event-steps";
import { NO_STEP_ERROR, stepErrorColumns, stepErrorOf } from "./step-error";
import type { StepResult } from "./types";

/** One attempt of a step: marks it running, runs it, records the outcome; rethrows failures. */
export async function attemptStep(
  db: Db,
  eventId: string,
  step: string,
  run: () => Promise<StepResult>,
): Promise<StepResult> {
  const key = { eventId, step };
  await markStepRunning(db, key, new Date());
  try {
    const result = await run();
    const finish = {
      status: result?.skipped ? ("skipped" as const) : ("succeeded" as const),
      externalRef: result?.externalRef ?? null,
      output: result?.output ?? null,
      ...NO_STEP_ERROR,
    };
    await markStepFinished(db, key, finish, new Date());
    return result;
  } catch (err) {
    await markStepFinished(db, key, { status: "failed", ...stepErrorColumns(stepErrorOf(err)) }, new Date());
    throw err;
  }
}
