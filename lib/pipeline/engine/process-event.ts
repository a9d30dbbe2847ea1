// Processes one stored event: claims it, runs its handler's steps in order (skipping those that already
// succeeded unless the whole event is replayed), and records the outcome. Engine-agnostic: the inline
// driver calls processEvent; the Inngest function calls startEvent / runNamedStep / finishEvent, each
// inside its own step.run.
import type { Db } from "@/db";
import { claimEvent as claimEventRow, eventById, finishEvent, setEventCustomer } from "@/db/queries/event-processing";
import { ensureStepRows, succeededStepOutputs } from "@/db/queries/event-steps";
import type { Event, EventStatus } from "@/db/schema";
import type { Services } from "@/lib/integrations";
import { log } from "@/lib/log";
import { getHandler } from "./registry";
import { attemptStep } from "./run-step";
import { eventErrorText } from "./step-error";
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from "./retry";
import type { StepContext, StepResult } from "./types";

export type ProcessMode = "deliver" | "replay-failed" | "replay-all";
/** Keeps a claimed event's lease alive while it runs (lib/jobs/lease.ts); `hold` answers the release. */
export type LeaseKeeper = { hold(eventId: string, attempts: number): () => void };
export type ProcessOptions = {
  services: Services;
  mode?: ProcessMode;
  retry?: RetryPolicy;
  /** The lease: an event `processing` with no heartbeat for this long is presumed orphaned by a crash. */
  staleAfterMs?: number;
  /**
   * An event `processing` last touched before this time is orphaned whatever the lease: set when this process
   * is the database's only user (embedded PGlite), to the time it started, so a restart resumes at once.
   */
  orphanedBefore?: Date;
  /** Renews the lease while the event runs; without one, a run longer than the lease may be reclaimed. */
  lease?: LeaseKeeper;
};
export type ProcessOutcome = {
  status: "succeeded" | "failed" | "ignored" | "not-claimed";
  error?: string;
  failedStep?: string;
};

const CLAIMABLE: Record<ProcessMode, EventStatus[]> = {
  deliver: ["received"],
  "replay-failed": ["failed"],
  "replay-all": ["failed", "succeeded", "ignored"],
};

/**
 * Moves the event to `processing` if `mode` may claim it, or it is stuck in `processing` past the lease (or
 * was last touched before `orphanedBefore`).
 */
export function claimEvent(
  db: Db,
  eventId: string,
  mode: ProcessMode,
  staleAfterMs = 120_000,
  orphanedBefore?: Date,
): Promise<Event | undefined> {
  return claimEventRow(db, eventId, CLAIMABLE[mode], staleBefore(staleAfterMs, orphanedBefore));
}

/** The time before which a `processing` event's last heartbeat makes it reclaimable. */
export function staleBefore(staleAfterMs: number, orphanedBefore?: Date, now = Date.now()): Date {
  return new Date(Math.max(now - staleAfterMs, orphanedBefore?.getTime() ?? 0));
}

/** Claims the event and answers which steps still have to run (or the outcome when none will). */
export async function startEvent(
  db: Db,
  eventId: string,
  mode: ProcessMode,
  staleAfterMs?: number,
  orphanedBefore?: Date,
): Promise<
  | { outcome: ProcessOutcome }
  | { steps: string[]; correlationId: string; event: Event; outputs: Record<string, unknown> }
> {
  const event = await claimEvent(db, eventId, mode, staleAfterMs, orphanedBefore);
  if (!event) return { outcome: { status: "not-claimed" } };
  return prepareClaimed(db, event, mode);
}

/** For a claimed event: the steps still to run (or the outcome when none will). */
async function prepareClaimed(
  db: Db,
  event: Event,
  mode: ProcessMode,
): Promise<
  | { outcome: ProcessOutcome }
  | { steps: string[]; correlationId: string; event: Event; outputs: Record<string, unknown> }
> {
  const eventId = event.id;
  const handler = getHandler(event.source, event.type);
  if (!handler) {
    await finishEvent(db, eventId, "ignored", null);
    return { outcome: { status: "ignored" } };
  }
  if (!event.rawBody) {
    const error = "The payload was redacted by the retention policy; it can no longer be processed.";
    await finishEvent(db, eventId, "failed", error);
    return { outcome: { status: "failed", error } };
  }
  const rows = await ensureStepRows(
    db,
    eventId,
    handler.steps.map((s) => s.name),
  );
  const done = new Set(rows.filter((r) => r.status === "succeeded" || r.status === "skipped").map((r) => r.step));
  const steps = handler.steps.map((s) => s.name).filter((name) => mode === "replay-all" || !done.has(name));
  const outputs = Object.fromEntries(rows.filter((r) => r.status === "succeeded").map((r) => [r.step, r.output]));
  return { steps, correlationId: event.correlationId, event, outputs };
}

/**
 * One attempt of one named step, with the outputs of the steps before it. The Inngest function runs each
 * step in its own invocation and reads the event and outputs back from the database; the inline engine
 * passes what it already holds (`loaded`), saving two queries per step.
 */
export async function runNamedStep(
  db: Db,
  eventId: string,
  stepName: string,
  services: Services,
  loaded?: { event: Event; outputs: Record<string, unknown> },
): Promise<StepResult> {
  const event = loaded?.event ?? (await eventById(db, eventId));
  if (!event?.rawBody) throw new Error(`event ${eventId} has no payload`);
  const step = getHandler(event.source, event.type)?.steps.find((s) => s.name === stepName);
  if (!step) throw new Error(`no step ${stepName} for ${event.type}`);
  const outputs = loaded?.outputs ?? (await succeededStepOutputs(db, eventId));
  const ctx: StepContext<unknown> = {
    db,
    event,
    payload: JSON.parse(event.rawBody),
    correlationId: event.correlationId,
    services,
    outputs: { ...outputs },
    setCustomer: (customerId) => setEventCustomer(db, eventId, customerId),
  };
  const result = await attemptStep(db, eventId, stepName, () => step.run(ctx));
  // What the database now holds for this step (JSON, so dates become strings as when read back), for the
  // steps after it; a skipped step's output is not passed on, as from the database.
  if (loaded && !result?.skipped)
    loaded.outputs[stepName] = JSON.parse(JSON.stringify(result?.output ?? null)) as unknown;
  return result;
}

/**
 * The inline engine: every remaining step with in-process retries, then the outcome. The lease is renewed
 * from the claim until the outcome is recorded (opts.lease), so a step may take longer than the lease.
 */
export async function processEvent(db: Db, eventId: string, opts: ProcessOptions): Promise<ProcessOutcome> {
  const mode = opts.mode ?? "deliver";
  const event = await claimEvent(db, eventId, mode, opts.staleAfterMs, opts.orphanedBefore);
  if (!event) return { status: "not-claimed" };
  const release = opts.lease?.hold(eventId, event.attempts);
  try {
    return await runClaimed(db, event, opts);
  } finally {
    release?.();
  }
}

async function runClaimed(db: Db, event: Event, opts: ProcessOptions): Promise<ProcessOutcome> {
  const eventId = event.id;
  const started = await prepareClaimed(db, event, opts.mode ?? "deliver");
  if ("outcome" in started) return started.outcome;
  for (const name of started.steps) {
    try {
      await withRetries(() => runNamedStep(db, eventId, name, opts.services, started), opts.retry ?? DEFAULT_RETRY);
    } catch (err) {
      const error = eventErrorText(name, err);
      await finishEvent(db, eventId, "failed", error, name);
      log.warn("event.failed", { eventId, correlationId: started.correlationId, step: name, error });
      return { status: "failed", error, failedStep: name };
    }
  }
  await finishEvent(db, eventId, "succeeded", null);
  log.info("event.succeeded", { eventId, correlationId: started.correlationId });
  return { status: "succeeded" };
}
