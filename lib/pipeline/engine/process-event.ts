// Processes one stored event: claims it, runs its handler's steps in order (skipping those that already
// succeeded unless the whole event is replayed), and records the outcome. Engine-agnostic: the inline
// driver calls processEvent; the Inngest function calls startEvent / runNamedStep / finishEvent, each
// inside its own step.run.
import type { Db } from "@/db";
import {
  type ClaimedEvent,
  type ClaimResult,
  claimEventInOrder,
  eventById,
  type FinishOptions,
  finishEvent,
  finishEventInOrder,
  isLinkConflict,
  type NextInLine,
  type RecordedStep,
  setEventCustomer,
} from "@/db/queries/event-processing";
import { recordStepAttempt, succeededStepOutputs } from "@/db/queries/event-steps";
import type { Event, EventStatus } from "@/db/schema";
import type { Services } from "@/lib/integrations";
import { log } from "@/lib/log";
import { erasedReason } from "@/lib/erasure/guard";
import { TRACE_ATTR, traced } from "@/lib/telemetry/trace";
import { getHandler } from "./registry";
import { attemptStep } from "./run-step";
import { eventErrorText, stepErrorColumns, stepErrorOf } from "./step-error";
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from "./retry";
import type { DeferredLink, StepContext, StepResult } from "./types";

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
  /**
   * Called with the customer's next event still `received` once this one's outcome is recorded (read in the
   * same statement): a claim may have held it back while this one ran, so the driver runs it now.
   */
  handOver?: (next: NextInLine) => void;
};
export type ProcessOutcome = {
  /** `waiting`: not claimed, an earlier event of the same customer has to finish first (`reason`). */
  status: "succeeded" | "failed" | "ignored" | "not-claimed" | "waiting";
  error?: string;
  failedStep?: string;
  reason?: string;
};

/** Why a claim was held back: one customer's events run one at a time, in the order received. */
export const WAITING_REASON = "waiting for an earlier event of this customer";
const WAITING: ProcessOutcome = { status: "waiting", reason: WAITING_REASON };

const CLAIMABLE: Record<ProcessMode, EventStatus[]> = {
  deliver: ["received"],
  "replay-failed": ["failed"],
  "replay-all": ["failed", "succeeded", "ignored"],
};

/**
 * Moves the event to `processing` if `mode` may claim it, or it is stuck in `processing` past the lease (or
 * was last touched before `orphanedBefore`).
 */
export async function claimEvent(
  db: Db,
  eventId: string,
  mode: ProcessMode,
  staleAfterMs = 120_000,
  orphanedBefore?: Date,
): Promise<ClaimedEvent | undefined> {
  const result = await claimInOrder(db, eventId, mode, staleAfterMs, orphanedBefore);
  return result && "claimed" in result ? result.claimed : undefined;
}

/** claimEvent, telling an event held back behind an earlier one of its customer (`waiting`) from one not to run. */
export function claimInOrder(
  db: Db,
  eventId: string,
  mode: ProcessMode,
  staleAfterMs = 120_000,
  orphanedBefore?: Date,
): Promise<ClaimResult> {
  return claimEventInOrder(db, eventId, CLAIMABLE[mode], staleBefore(staleAfterMs, orphanedBefore));
}

/** The time before which a `processing` event's last heartbeat makes it reclaimable. */
export function staleBefore(staleAfterMs: number, orphanedBefore?: Date, now = Date.now()): Date {
  return new Date(Math.max(now - staleAfterMs, orphanedBefore?.getTime() ?? 0));
}

/** What a claimed event still has to do: its remaining steps, and the outputs earlier runs left for them. */
export type StartedEvent = {
  steps: string[];
  correlationId: string;
  event: Event;
  outputs: Record<string, unknown>;
  /** The claim's fencing token (`events.attempts`): the outcome is recorded only under it. */
  attempts: number;
};

/** Claims the event and answers which steps still have to run (or the outcome when none will). */
export async function startEvent(
  db: Db,
  eventId: string,
  mode: ProcessMode,
  staleAfterMs?: number,
  orphanedBefore?: Date,
  handOver?: (next: NextInLine) => void,
): Promise<{ outcome: ProcessOutcome } | StartedEvent> {
  const claim = await claimInOrder(db, eventId, mode, staleAfterMs, orphanedBefore);
  if (!claim) return { outcome: { status: "not-claimed" } };
  if ("waiting" in claim) return { outcome: WAITING };
  return prepareClaimed(db, claim.claimed, mode, handOver);
}

/**
 * Records the outcome (finishEvent) and hands the customer's next waiting event to `handOver`. Answers
 * whether this run recorded it (false: its claim was taken over; the other run's outcome stands).
 */
export async function finish(
  db: Db,
  eventId: string,
  status: EventStatus,
  lastError: string | null,
  failedStep: string | null,
  opts: FinishOptions,
  handOver?: (next: NextInLine) => void,
): Promise<boolean> {
  const { finished, next } = await finishEventInOrder(db, eventId, status, lastError, failedStep, opts);
  if (next) handOver?.(next);
  return finished;
}

/** For a claimed event: the steps still to run (or the outcome when none will). */
async function prepareClaimed(
  db: Db,
  claimed: ClaimedEvent,
  mode: ProcessMode,
  handOver?: (next: NextInLine) => void,
): Promise<{ outcome: ProcessOutcome } | StartedEvent> {
  const { steps: rows, ...event } = claimed;
  const eventId = event.id;
  const fence = { attempts: event.attempts };
  const handler = getHandler(event.source, event.type);
  if (!handler) {
    await finish(db, eventId, "ignored", null, null, fence, handOver);
    return { outcome: { status: "ignored" } };
  }
  if (!event.rawBody) {
    const error = "The payload was redacted by the retention policy; it can no longer be processed.";
    await finish(db, eventId, "failed", error, null, fence, handOver);
    return { outcome: { status: "failed", error } };
  }
  const erased = await erasedReason(db, event.source, event.type, event.rawBody, event.customerKey);
  if (erased) {
    await finishEvent(db, eventId, "ignored", erased, null, fence);
    return { outcome: { status: "ignored" } };
  }
  // Step rows exist only for steps that ended in an earlier run (the claim read them): a first delivery has
  // none, and its steps' rows are written with its outcome.
  const done = new Set(rows.filter((r) => r.status === "succeeded" || r.status === "skipped").map((r) => r.step));
  const steps = handler.steps.map((s) => s.name).filter((name) => mode === "replay-all" || !done.has(name));
  const outputs = Object.fromEntries(rows.filter((r) => r.status === "succeeded").map((r) => [r.step, r.output]));
  return { steps, correlationId: event.correlationId, event, outputs, attempts: event.attempts };
}

/**
 * What the inline engine holds while it runs an event: the event and outputs (saving two queries per step),
 * and what it records with the outcome in one statement: the steps that ended and the event's customer.
 */
export type LoadedEvent = {
  event: Event;
  outputs: Record<string, unknown>;
  attempts: number;
  recorded: RecordedStep[];
  customerId?: string;
  /** StepContext.scratch of this run. */
  scratch: Map<string, unknown>;
  /** Identity links the steps left to write with the outcome (StepContext.deferLink), with the step of each. */
  links: (DeferredLink & { step: string })[];
};

/**
 * One attempt of one named step, with the outputs of the steps before it. The Inngest function runs each
 * step in its own invocation, reads the event and outputs back from the database and records the attempt at
 * once (fenced by `fence`, its claim's attempts); the inline engine passes what it already holds (`loaded`)
 * and records successes with the outcome.
 */
export async function runNamedStep(
  db: Db,
  eventId: string,
  stepName: string,
  services: Services,
  loaded?: LoadedEvent,
  fence?: number,
): Promise<StepResult> {
  const event = loaded?.event ?? (await eventById(db, eventId));
  if (!event?.rawBody) throw new Error(`event ${eventId} has no payload`);
  const step = getHandler(event.source, event.type)?.steps.find((s) => s.name === stepName);
  if (!step) throw new Error(`no step ${stepName} for ${event.type}`);
  const outputs = loaded?.outputs ?? (await succeededStepOutputs(db, eventId));
  // Links of this attempt: kept for the outcome only if the attempt succeeds (a retry defers its own).
  const links: DeferredLink[] = [];
  const ctx: StepContext<unknown> = {
    db,
    event,
    payload: JSON.parse(event.rawBody),
    correlationId: event.correlationId,
    services,
    outputs: { ...outputs },
    setCustomer: loaded
      ? async (customerId) => {
          loaded.customerId = customerId;
        }
      : (customerId) => setEventCustomer(db, eventId, customerId),
    scratch: loaded?.scratch,
    deferLink: loaded ? (link) => links.push(link) : undefined,
  };
  const span = {
    [TRACE_ATTR.step]: stepName,
    [TRACE_ATTR.eventId]: eventId,
    [TRACE_ATTR.correlationId]: event.correlationId,
    [TRACE_ATTR.source]: event.source,
  };
  const result = await attemptStep(db, eventId, stepName, () => traced("pipeline.step", span, () => step.run(ctx)), {
    fence: loaded?.attempts ?? fence,
    defer: loaded ? (r) => loaded.recorded.push(r) : undefined,
  });
  // What the database now holds for this step (JSON, so dates become strings as when read back), for the
  // steps after it; a skipped step's output is not passed on, as from the database.
  if (loaded && !result?.skipped)
    loaded.outputs[stepName] = JSON.parse(JSON.stringify(result?.output ?? null)) as unknown;
  if (loaded) loaded.links.push(...links.map((l) => ({ ...l, step: stepName })));
  return result;
}

/**
 * The inline engine: every remaining step with in-process retries, then the outcome. The lease is renewed
 * from the claim until the outcome is recorded (opts.lease), so a step may take longer than the lease.
 */
export async function processEvent(db: Db, eventId: string, opts: ProcessOptions): Promise<ProcessOutcome> {
  const mode = opts.mode ?? "deliver";
  const claim = await claimInOrder(db, eventId, mode, opts.staleAfterMs, opts.orphanedBefore);
  if (!claim) return { status: "not-claimed" };
  if ("waiting" in claim) return WAITING;
  const event = claim.claimed;
  const release = opts.lease?.hold(eventId, event.attempts);
  try {
    const span = {
      [TRACE_ATTR.eventId]: eventId,
      [TRACE_ATTR.correlationId]: event.correlationId,
      [TRACE_ATTR.eventType]: event.type,
    };
    return await traced("pipeline.event", span, () => runClaimed(db, event, opts));
  } finally {
    release?.();
  }
}

async function runClaimed(db: Db, event: ClaimedEvent, opts: ProcessOptions): Promise<ProcessOutcome> {
  const eventId = event.id;
  const started = await prepareClaimed(db, event, opts.mode ?? "deliver", opts.handOver);
  if ("outcome" in started) return started.outcome;
  const loaded: LoadedEvent = { ...started, recorded: [], scratch: new Map(), links: [] };
  let outcome: ProcessOutcome = { status: "succeeded" };
  for (const name of started.steps) {
    try {
      await withRetries(() => runNamedStep(db, eventId, name, opts.services, loaded), opts.retry ?? DEFAULT_RETRY);
    } catch (err) {
      outcome = { status: "failed", error: eventErrorText(name, err), failedStep: name };
      break;
    }
  }
  const written = await finishRun(db, loaded, outcome, opts.handOver);
  if (!written) return superseded(started);
  if (written.status === "failed")
    log.warn("event.failed", {
      eventId,
      correlationId: started.correlationId,
      step: written.failedStep,
      error: written.error,
    });
  else log.info("event.succeeded", { eventId, correlationId: started.correlationId });
  return written;
}

/**
 * Records the run's outcome with its steps, customer and deferred links in one statement. Should a link name an
 * external id that is someone else's, the statement writes nothing: each link is then settled the slow way
 * (a step's `settle` may relink, or throw: that step failed) and the outcome recorded without them. Answers
 * the outcome written, or undefined when this run's claim was taken over.
 */
async function finishRun(
  db: Db,
  loaded: LoadedEvent,
  outcome: ProcessOutcome,
  handOver?: (next: NextInLine) => void,
): Promise<ProcessOutcome | undefined> {
  const id = loaded.event.id;
  const write = (o: ProcessOutcome, links = loaded.links) =>
    finish(
      db,
      id,
      o.status === "failed" ? "failed" : "succeeded",
      o.error ?? null,
      o.failedStep ?? null,
      {
        attempts: loaded.attempts,
        customerId: loaded.customerId,
        steps: loaded.recorded,
        links,
      },
      handOver,
    );
  try {
    return (await write(outcome)) ? outcome : undefined;
  } catch (err) {
    if (!isLinkConflict(err)) throw err;
  }
  for (const link of loaded.links) {
    try {
      await link.settle();
    } catch (err) {
      // The step did not succeed after all: its row records the failure, not a success.
      const ran = loaded.recorded.find((r) => r.step === link.step);
      loaded.recorded = loaded.recorded.filter((r) => r !== ran);
      const failed = { status: "failed" as const, ...stepErrorColumns(stepErrorOf(err)) };
      const timing = { startedAt: ran?.startedAt ?? new Date(), finishedAt: new Date() };
      await recordStepAttempt(db, { eventId: id, step: link.step }, failed, timing, loaded.attempts);
      outcome = { status: "failed", error: eventErrorText(link.step, err), failedStep: link.step };
      break;
    }
  }
  return (await write(outcome, [])) ? outcome : undefined;
}

/** This run's claim was taken over (its lease ran out while it stalled): the other worker's outcome stands. */
function superseded(started: StartedEvent): ProcessOutcome {
  log.warn("event.superseded", { eventId: started.event.id, correlationId: started.correlationId });
  return { status: "not-claimed", error: "the lease was taken over by another worker; its outcome stands" };
}
