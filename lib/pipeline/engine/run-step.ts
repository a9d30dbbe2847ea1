// Runs one attempt of a named step of an event. Nothing is written while the step runs (the lease's heartbeat
// says the event is alive); the attempt's outcome is either recorded at once in the step ledger
// (db/queries/event-steps: status, attempts, error fields, reference, timings, the attempt log), or, for a
// success the inline engine records with the event's outcome, handed back to the caller (`defer`).
import type { Db } from "@/db";
import type { RecordedStep } from "@/db/queries/event-processing";
import { recordStepAttempt } from "@/db/queries/event-steps";
import { NO_STEP_ERROR, stepErrorColumns, stepErrorOf } from "./step-error";
import type { StepResult } from "./types";

export type AttemptOptions = {
  /** The claim's `attempts`: a run whose claim was taken over records nothing. */
  fence?: number;
  /** Keeps a success for the statement that finishes the event instead of recording it now. */
  defer?: (recorded: RecordedStep) => void;
};

/** One attempt of a step: runs it, records (or defers) the outcome; a failure is recorded at once and rethrown. */
export async function attemptStep(
  db: Db,
  eventId: string,
  step: string,
  run: () => Promise<StepResult>,
  opts: AttemptOptions = {},
): Promise<StepResult> {
  const key = { eventId, step };
  const startedAt = new Date();
  let result: StepResult;
  try {
    result = await run();
  } catch (err) {
    const failed = { status: "failed" as const, ...stepErrorColumns(stepErrorOf(err)) };
    await recordStepAttempt(db, key, failed, { startedAt, finishedAt: new Date() }, opts.fence);
    throw err;
  }
  const status = result?.skipped ? ("skipped" as const) : ("succeeded" as const);
  const externalRef = result?.externalRef ?? null;
  const output = result?.output ?? null;
  const finishedAt = new Date();
  if (opts.defer) opts.defer({ step, status, externalRef, output, startedAt, finishedAt });
  else
    await recordStepAttempt(
      db,
      key,
      { status, externalRef, output, ...NO_STEP_ERROR },
      { startedAt, finishedAt },
      opts.fence,
    );
  return result;
}
