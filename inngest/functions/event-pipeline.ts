// Inngest engine for one stored event: each pipeline step is a step.run (memoised, retried by Inngest),
// one customer's events run one at a time (concurrency key, and across keys and drivers the claim itself: a
// run whose event must wait for an earlier one of its customer ends `waiting`, and the run that finishes
// that earlier event re-sends the next one; the sweeper cron is the net), runs start within the HubSpot budget (throttle,
// inngest/throttle.ts), and the outcome is recorded under the claim's fencing token (`events.attempts`), so
// a run that resurfaces after another worker reclaimed its event cannot overwrite that worker's outcome.
import { inngestLeaseMs } from "@/inngest/lease";
import { NonRetriableError, RetryAfterError } from "inngest";
import { getDb } from "@/db";
import { getServices } from "@/lib/integrations";
import { IntegrationError } from "@/lib/integrations/errors";
import { finishEventInOrder, type NextInLine } from "@/db/queries/event-processing";
import { lastFailedStep } from "@/db/queries/event-steps";
import { runNamedStep, startEvent } from "@/lib/pipeline/engine/process-event";
import { eventErrorText } from "@/lib/pipeline/engine/step-error";
import { isRetryable } from "@/lib/pipeline/engine/retry";
import { inngest } from "../client";
import { eventReceived } from "../events";
import { handOverPayload, sendHandOver } from "../send";
import { type ThrottleConfig, throttleFromRateLimit } from "../throttle";

/** The message of a run stopped because another worker holds its event now: the failure handler leaves it. */
export const SUPERSEDED = "superseded: the event was reclaimed by another run, whose outcome stands";

/** Permanent errors stop the run at once; a service's Retry-After becomes Inngest's retry delay. */
export function toInngestError(stepName: string, err: unknown): never {
  const message = eventErrorText(stepName, err);
  if (!isRetryable(err)) throw new NonRetriableError(message, { cause: err });
  if (err instanceof IntegrationError && err.retryAfterMs)
    throw new RetryAfterError(message, err.retryAfterMs, { cause: err });
  throw new Error(message, { cause: err });
}

/**
 * Runs after the last attempt failed. The step that failed for good has already recorded the failure under
 * its claim; this covers a run that failed outside a step's own code (the claim, the finish): it marks the
 * event failed only while it is still `processing`, so it never overwrites a recorded outcome. Only the
 * error's message reaches this handler, so the failed step is the one the step ledger last recorded as failed.
 */
export async function markEventFailed({
  event,
  error,
}: {
  event: { data: { event: { data: { eventId: string } } } };
  error: Error;
}) {
  if (error.message.startsWith(SUPERSEDED)) return;
  const db = await getDb();
  const eventId = event.data.event.data.eventId;
  const { next } = await finishEventInOrder(
    db,
    eventId,
    "failed",
    error.message.slice(0, 2000),
    await lastFailedStep(db, eventId),
    { whileProcessing: true },
  );
  if (next) await sendHandOver(next, eventId, undefined);
}

/**
 * HUBSPOT_RATE_LIMIT (`100/10s` by default). Read from process.env when the function is defined (at import,
 * possibly during a build), so it never throws: a malformed value falls back to the default.
 */
export function processEventThrottle(): ThrottleConfig {
  return throttleFromRateLimit(process.env.HUBSPOT_RATE_LIMIT);
}

export const processEventFunction = inngest.createFunction(
  {
    id: "process-event",
    triggers: [eventReceived],
    retries: 4,
    // One customer's events run one at a time, in order (one key per customer, whichever source).
    concurrency: [{ key: "event.data.customerKey", limit: 1 }],
    // The provider budget for the whole deployment, not per customer (inngest/throttle.ts).
    throttle: processEventThrottle(),
    onFailure: markEventFailed as never,
  },
  async ({ event, step, attempt, maxAttempts }) => {
    const { eventId, mode } = event.data;
    const db = await getDb();
    // The step's answer is kept in the run's state: only the step names and the claim's token, not the event.
    const started = await step.run("claim", async () => {
      // The same lease as the sweeper's: a run re-sent for an orphaned `processing` event can take it over.
      // An event finished at the claim (ignored, redacted) hands its customer's next one over too.
      const handOver: NextInLine[] = [];
      const s = await startEvent(db, eventId, mode ?? "deliver", inngestLeaseMs(), undefined, (n) => handOver.push(n));
      for (const next of handOver) await sendHandOver(next, eventId, undefined);
      return "outcome" in s ? s : { steps: s.steps, correlationId: s.correlationId, attempts: s.attempts };
    });
    if ("outcome" in started) return started.outcome;
    const fence = (started as { attempts?: number }).attempts;
    for (const name of started.steps) {
      await step.run(name, async () => {
        try {
          const result = await runNamedStep(db, eventId, name, getServices(), undefined, fence);
          return { externalRef: result?.externalRef ?? null };
        } catch (err) {
          // Failed for good (a permanent error, or the last attempt): the outcome, under this run's claim.
          const last = !isRetryable(err) || (maxAttempts !== undefined && attempt + 1 >= maxAttempts);
          if (last && fence !== undefined) {
            const { finished, next } = await finishEventInOrder(
              db,
              eventId,
              "failed",
              eventErrorText(name, err),
              name,
              {
                attempts: fence,
              },
            );
            if (!finished) throw new NonRetriableError(SUPERSEDED, { cause: err });
            // A failure does not hold the customer's later events: the next one runs now.
            if (next) await sendHandOver(next, eventId, fence);
          }
          return toInngestError(name, err);
        }
      });
    }
    const { finished, next } = await step.run("finish", () =>
      finishEventInOrder(db, eventId, "succeeded", null, null, { attempts: fence }),
    );
    // `false` only under a fence: another run reclaimed the event after this one's lease ran out.
    if (!finished) return { status: "not-claimed" as const };
    // The customer's next event may have ended `waiting` behind this one: send it again now.
    if (next) await step.sendEvent("hand-over", handOverPayload(next, eventId, fence));
    return { status: "succeeded" as const };
  },
);
