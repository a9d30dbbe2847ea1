// Processes one stored event: claims it, runs its handler's steps in order (skipping those that already
// succeeded unless forced), and records the outcome. Engine-agnostic: the inline driver and the Inngest
// function both call into this file.
import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { events, type Event, type EventStatus } from "@/db/schema";
import type { Services } from "@/lib/integrations";
import { log } from "@/lib/log";
import { getHandler } from "./registry";
import { attemptStep, describeError, ensureStepRows } from "./run-step";
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from "./retry";
import type { StepContext } from "./types";

export type ProcessMode = "deliver" | "replay-failed" | "replay-all";
export type ProcessOptions = { services: Services; mode?: ProcessMode; retry?: RetryPolicy; staleAfterMs?: number };
export type ProcessOutcome = { status: "succeeded" | "failed" | "ignored" | "not-claimed"; error?: string; failedStep?: string };

const CLAIMABLE: Record<ProcessMode, EventStatus[]> = {
  deliver: ["received"],
  "replay-failed": ["failed"],
  "replay-all": ["failed", "succeeded", "ignored"],
};

/** Moves the event to `processing` if it is in a claimable state, or stuck in `processing` past the lease. */
export async function claimEvent(db: Db, eventId: string, mode: ProcessMode, staleAfterMs = 120_000): Promise<Event | undefined> {
  const staleBefore = new Date(Date.now() - staleAfterMs);
  const [row] = await db
    .update(events)
    .set({ status: "processing", attempts: sql`${events.attempts} + 1`, updatedAt: new Date(), lastError: null })
    .where(
      and(
        eq(events.id, eventId),
        or(inArray(events.status, CLAIMABLE[mode]), and(eq(events.status, "processing"), lt(events.updatedAt, staleBefore))),
      ),
    )
    .returning();
  return row;
}

async function finish(db: Db, eventId: string, status: EventStatus, lastError: string | null) {
  const now = new Date();
  await db.update(events).set({ status, lastError, processedAt: now, updatedAt: now }).where(eq(events.id, eventId));
}

export async function processEvent(db: Db, eventId: string, opts: ProcessOptions): Promise<ProcessOutcome> {
  const mode = opts.mode ?? "deliver";
  const event = await claimEvent(db, eventId, mode, opts.staleAfterMs);
  if (!event) return { status: "not-claimed" };
  const handler = getHandler(event.source, event.type);
  if (!handler) {
    await finish(db, eventId, "ignored", null);
    return { status: "ignored" };
  }
  if (!event.rawBody) {
    const error = "The payload was redacted by the retention policy; it can no longer be processed.";
    await finish(db, eventId, "failed", error);
    return { status: "failed", error };
  }
  const payload = JSON.parse(event.rawBody);
  const rows = await ensureStepRows(db, eventId, handler.steps.map((s) => s.name));
  const outputs: Record<string, unknown> = Object.fromEntries(rows.filter((r) => r.status === "succeeded").map((r) => [r.step, r.output]));
  const ctx: StepContext<unknown> = {
    db,
    event,
    payload,
    correlationId: event.correlationId,
    services: opts.services,
    outputs,
    setCustomer: async (customerId) => {
      await db.update(events).set({ customerId }).where(eq(events.id, eventId));
    },
  };
  for (const step of handler.steps) {
    const row = rows.find((r) => r.step === step.name);
    const done = row?.status === "succeeded" || row?.status === "skipped";
    if (done && mode !== "replay-all") continue;
    try {
      const result = await withRetries(() => attemptStep(db, eventId, step.name, () => step.run(ctx)), opts.retry ?? DEFAULT_RETRY);
      outputs[step.name] = result?.output;
    } catch (err) {
      const error = `${step.name}: ${describeError(err)}`;
      await finish(db, eventId, "failed", error);
      log.warn("event.failed", { eventId, type: event.type, step: step.name, correlationId: event.correlationId, error });
      return { status: "failed", error, failedStep: step.name };
    }
  }
  await finish(db, eventId, "succeeded", null);
  log.info("event.succeeded", { eventId, type: event.type, correlationId: event.correlationId });
  return { status: "succeeded" };
}
