// The job engine, chosen once (./driver.ts). `inline` runs the pipeline in this process after the response
// (with a sweeper, a once-a-minute operations timer and the Stripe backfill timer); `inngest` sends
// `ops/event.received` (id = the event row id, so a retried send is deduplicated by Inngest; a webhook's send
// after the response, many events 500 per call: inngest/send.ts) and leaves retries, sweeps and the
// operations cron to the Inngest functions. Callers enqueue, replay and start;
// they never ask which engine runs.
import { after } from "next/server";
import { getDb, getDbHandle } from "@/db";
import { type SchedulableEvent, unfinishedEvents } from "@/db/queries/event-processing";
import { env } from "@/lib/env";
import { getServices } from "@/lib/integrations";
import { log } from "@/lib/log";
import type { ProcessMode, ProcessOutcome } from "@/lib/pipeline/engine/process-event";
import { jobsDriver } from "./driver";
import { InlineRunner } from "./inline";
import { chainKeys, serialisationKeys } from "./keys";

export { jobsDriver };

const globalForJobs = globalThis as unknown as { __opsInlineRunner?: InlineRunner };

function getInlineRunner(): InlineRunner {
  globalForJobs.__opsInlineRunner ??= new InlineRunner({
    db: getDb,
    services: getServices,
    staleAfterMs: env.JOBS_STALE_AFTER_SECONDS * 1000,
    concurrency: env.JOBS_CONCURRENCY,
    // The embedded database is locked to one process (db/index.ts): what it left unfinished is orphaned.
    exclusive: async () => (await getDbHandle()).driver === "pglite",
  });
  return globalForJobs.__opsInlineRunner;
}

/** Replaces the process-wide inline runner (tests use short retry delays). */
export function setInlineRunner(runner: InlineRunner | undefined): void {
  globalForJobs.__opsInlineRunner = runner;
}

/** Schedules work after the response when inside a request, else right away. */
function afterResponse(work: () => Promise<unknown>) {
  try {
    after(work);
  } catch {
    void work();
  }
}

/**
 * Sends to Inngest in batches of 500 events per call (inngest/send.ts). A delivery is deduplicated by the row
 * id; a replay must run again, so it has none. Never throws: a failed send is logged, and the sweeper function
 * re-sends deliveries that stay `received`.
 */
async function sendToInngest(events: SchedulableEvent[], mode: ProcessMode): Promise<void> {
  if (!events.length) return;
  const { sendToInngest: send } = await import("@/inngest/send");
  await send(await getDb(), events, mode);
}

/**
 * Hands a stored event to the engine. Never throws for the engine: the row is the outbox. Both drivers start
 * the work after the response (Inngest: the send itself), so a slow engine never delays the webhook's answer.
 */
export async function enqueueEvent(event: SchedulableEvent, mode: ProcessMode = "deliver"): Promise<void> {
  if (jobsDriver() === "inngest") {
    const { sendAfterResponse } = await import("@/inngest/send");
    return sendAfterResponse(getDb, event, mode);
  }
  const runner = getInlineRunner();
  // The key stored with the row (Stored.customerKey) when the caller passes it; without it the claim still
  // keeps the customer's order (the row has its key), so the payload is not parsed a second time here.
  afterResponse(() => runner.run(event.id, event.customerKey ?? null, mode));
}

/** Replays one event: inline, waits for its outcome; on Inngest, answers `queued`. */
export async function replayNow(
  event: SchedulableEvent,
  mode: ProcessMode,
): Promise<ProcessOutcome | { status: "queued" }> {
  if (jobsDriver() === "inngest") {
    await sendToInngest([event], mode);
    return { status: "queued" };
  }
  return getInlineRunner().run(event.id, chainKeys([event]).get(event.id) ?? null, mode);
}

/** Queues many events for a replay, without waiting for them to run. */
export async function replayLater(events: SchedulableEvent[], mode: ProcessMode): Promise<void> {
  if (jobsDriver() === "inngest") return sendToInngest(events, mode);
  const runner = getInlineRunner();
  const keys = chainKeys(events);
  for (const e of events) void runner.run(e.id, keys.get(e.id) ?? null, mode);
}

/**
 * Hands a bulk replay's events, already set back to `received` in the database, to the engine for speed. The
 * rows are the safety net: if this send fails or this process dies, any instance's sweeper (the inline timer
 * or the Inngest sweep cron) picks them up. They run as deliveries (`deliver` skips the steps that already
 * succeeded, like replay-failed). Never throws; answers how many could not be handed over. Inline, `settled`
 * runs once every event ran here (the caller records the end of the replay).
 */
export async function enqueueBulkReplay(
  replayId: string,
  events: SchedulableEvent[],
  settled?: () => Promise<unknown>,
): Promise<{ unsent: number }> {
  if (!events.length) return { unsent: 0 };
  try {
    if (jobsDriver() === "inngest") {
      const { sendToInngest: send, bulkReplaySendId } = await import("@/inngest/send");
      return { unsent: (await send(await getDb(), events, "deliver", bulkReplaySendId(replayId))).unsent };
    }
    const runner = getInlineRunner();
    const keys = chainKeys(events);
    const runs = events.map((e) => runner.run(e.id, keys.get(e.id) ?? null, "deliver"));
    void Promise.allSettled(runs)
      .then(() => settled?.())
      .catch((err) => log.error("replay.settle_failed", { replayId, error: err }));
    return { unsent: 0 };
  } catch (err) {
    log.error("jobs.enqueue_failed", { replayId, count: events.length, error: err });
    return { unsent: events.length };
  }
}

/**
 * Events stored but never finished, with their serialisation keys: what both sweepers (the inline timer
 * and the Inngest cron) re-drive.
 */
export async function findUnfinished(opts: { receivedBefore: Date; staleBefore?: Date; limit: number }) {
  const db = await getDb();
  const rows = await unfinishedEvents(db, opts);
  const keys = await serialisationKeys(db, rows);
  return rows.map((r) => ({ ...r, customerKey: keys.get(r.id) ?? null }));
}

/** At server start: on the inline driver, the sweeper and the once-a-minute operations loop. */
export function startJobs(): void {
  if (jobsDriver() !== "inline") return;
  getInlineRunner().startSweeper();
  startOpsTimer();
  startBackfillTimer();
}

/** The inline driver's stand-in for the Inngest cron: the operations loop once a minute. */
function startOpsTimer() {
  const tick = async () => {
    const { runOpsTick } = await import("@/lib/monitoring/tick");
    await runOpsTick(await getDb());
  };
  const run = () => void tick().catch((err) => log.error("ops.tick_failed", { error: err }));
  setTimeout(run, 5_000).unref();
  setInterval(run, 60_000).unref();
}

/**
 * The inline driver's stand-in for the Inngest backfill cron: the Stripe events backfill shortly after start
 * (events sent while the app was down) and every STRIPE_BACKFILL_MINUTES (0: off).
 */
function startBackfillTimer() {
  const minutes = env.STRIPE_BACKFILL_MINUTES;
  if (minutes <= 0) return;
  const run = (trigger: "startup" | "schedule") => () =>
    void import("@/lib/backfill/run")
      .then(({ scheduledStripeBackfill }) => scheduledStripeBackfill(trigger))
      .catch((err) => log.error("backfill.stripe_failed", { trigger, error: err }));
  setTimeout(run("startup"), 15_000).unref();
  setInterval(run("schedule"), minutes * 60_000).unref();
}
