// Backfill from Stripe: reads GET /v1/events through the real SDK for the types the pipeline handles, from the
// `stripe-events` cursor minus an overlap (events are not always listed in the order they were made), stores
// each through the webhook's own store (one row per Stripe event id however it arrived; `arrived_via =
// backfill` on the rows it adds) and hands the new ones to the job engine. One run at a time across
// processes: the cursor row's `running_since` is a lease.
import Stripe from "stripe";
import type { Db } from "@/db";
import type { SchedulableEvent } from "@/db/queries/event-processing";
import { acquireSyncLease, getSyncCursor, releaseSyncLease, renewSyncLease } from "@/db/queries/sync-cursors";
import { type StoreInput, storeEvents } from "@/lib/ingest/store";
import { replayLater } from "@/lib/jobs";
import { HANDLED_TYPES, hasHandler } from "@/lib/pipeline/engine/registry";
import { type Result, fail } from "@/lib/result";

export const STRIPE_EVENTS_CURSOR = "stripe-events";
/** Stripe lists events of the last 30 days only. */
export const STRIPE_EVENT_WINDOW_DAYS = 30;
/** Each run re-reads this much before the cursor: an event can be listed after a newer one. */
export const BACKFILL_OVERLAP_SECONDS = 10 * 60;
/** A first run (no cursor, no `since`) looks back as long as Stripe retries a failed delivery. */
export const FIRST_RUN_LOOKBACK_SECONDS = 3 * 86_400;
/** A run that has not renewed its lease for this long is presumed dead; another may take over. */
export const BACKFILL_LEASE_MINUTES = 15;
/** Stripe accepts at most 20 `types[]` per list call. */
const TYPES_PER_CALL = 20;
const PAGE_SIZE = 100;

export const ADOPTION_IMPORT_HINT =
  "To bring in what happened before that, use the adoption import (Customers → Import existing Stripe customers, POST /api/admin/import/stripe or npm run import:stripe): customers and subscriptions as Stripe has them now.";

export type BackfillSummary = {
  /** Events Stripe listed (the handled types, from `since`). */
  fetched: number;
  /** Of those, events we did not have: stored with `arrived_via = backfill` and queued. */
  stored: number;
  /** Of those, events already stored (their webhook arrived, or an earlier run found them). */
  alreadyHad: number;
  /** Listed events that were not valid events (no id, type, created or data.object): skipped. */
  skipped: number;
  /** Where the run read from (ISO), after the overlap and the 30-day window. */
  since: string;
  /** When the run started (ISO): the next run reads from here minus the overlap. */
  until: string;
  /** The run was asked to start before Stripe's 30-day window; it read from the window's start. */
  olderThanWindow: boolean;
  message: string;
};
export type BackfillResult = Result<BackfillSummary>;

export type BackfillOptions = {
  /** Read from here instead of the cursor (a founder's "since 1 November"). */
  since?: Date;
  now?: () => Date;
  /** What to do with the new rows (default: replayLater "deliver", the same path as a webhook's enqueue). */
  enqueue?: (events: SchedulableEvent[]) => Promise<void>;
};

type Cursor = { created: number };

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function cursorOf(value: unknown): number | undefined {
  const created = (value as Partial<Cursor> | null)?.created;
  return typeof created === "number" && Number.isFinite(created) ? created : undefined;
}

/** A listed event the pipeline can take: the same envelope the webhook route checks. */
function isEnvelope(e: Partial<Stripe.Event>): e is Stripe.Event {
  return (
    typeof e.id === "string" &&
    e.id.startsWith("evt_") &&
    typeof e.type === "string" &&
    e.type.length > 0 &&
    typeof e.created === "number" &&
    e.created > 0 &&
    typeof e.data?.object === "object" &&
    e.data.object !== null
  );
}

/** Types in groups Stripe accepts in one call. */
function typeGroups(types: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < types.length; i += TYPES_PER_CALL) groups.push(types.slice(i, i + TYPES_PER_CALL));
  return groups;
}

/**
 * One backfill run: `{ fetched, stored, alreadyHad, ... }`, or a failure: 400 for a `since` in the future,
 * 409 while another run holds the lease, 502 when Stripe refused or failed (the cursor then stays, so the
 * next run reads the same window again; what was stored stays stored).
 */
export async function backfillStripeEvents(
  db: Db,
  stripe: Stripe,
  opts: BackfillOptions = {},
): Promise<BackfillResult> {
  const now = (opts.now ?? (() => new Date()))();
  const nowSec = Math.floor(now.getTime() / 1000);
  if (opts.since && Number.isNaN(opts.since.getTime()))
    return fail(400, "since must be a date, e.g. 2026-11-01.", "since");
  if (opts.since && opts.since.getTime() > now.getTime())
    return fail(
      400,
      `since (${opts.since.toISOString()}) is in the future: give a past date, e.g. 2026-11-01.`,
      "since",
    );

  const lease = await acquireSyncLease(
    db,
    STRIPE_EVENTS_CURSOR,
    now,
    new Date(now.getTime() - BACKFILL_LEASE_MINUTES * 60_000),
  );
  if (!lease.row)
    return fail(
      409,
      `A Stripe backfill is already running${lease.heldSince ? ` (since ${lease.heldSince.toISOString()})` : ""}: try again when it has finished.`,
    );
  let held = lease.row.runningSince ?? now;
  const previous = cursorOf(lease.row.cursor);

  const windowStart = nowSec - STRIPE_EVENT_WINDOW_DAYS * 86_400;
  const requested = opts.since
    ? Math.floor(opts.since.getTime() / 1000)
    : previous !== undefined
      ? previous - BACKFILL_OVERLAP_SECONDS
      : nowSec - FIRST_RUN_LOOKBACK_SECONDS;
  const olderThanWindow = requested < windowStart;
  const from = Math.max(requested, windowStart);
  const counts = { fetched: 0, stored: 0, alreadyHad: 0, skipped: 0 };
  const fresh: (SchedulableEvent & { created: number })[] = [];

  const flush = async (batch: Stripe.Event[]) => {
    if (!batch.length) return;
    const inputs: StoreInput[] = batch.map((e) => ({
      source: "stripe",
      externalId: e.id,
      type: e.type,
      rawBody: JSON.stringify(e),
      occurredAt: new Date(e.created * 1000),
      status: hasHandler("stripe", e.type) ? "received" : "ignored",
      arrivedVia: "backfill",
    }));
    const stored = await storeEvents(db, inputs);
    stored.forEach((row, i) => {
      const input = inputs[i]!;
      if (row.duplicate) counts.alreadyHad++;
      else {
        counts.stored++;
        if (input.status === "received")
          fresh.push({
            id: row.id,
            source: "stripe",
            type: input.type,
            rawBody: input.rawBody,
            created: batch[i]!.created,
          });
      }
    });
    const renewedAt = new Date();
    if (!(await renewSyncLease(db, STRIPE_EVENTS_CURSOR, held, renewedAt)))
      throw new Error("the backfill lease was taken over by another run (this one was presumed dead)");
    held = renewedAt;
  };

  try {
    for (const types of typeGroups(HANDLED_TYPES.stripe)) {
      let batch: Stripe.Event[] = [];
      // The SDK's auto-pagination follows `starting_after` through every page, newest first.
      for await (const event of stripe.events.list({ types, created: { gte: from }, limit: PAGE_SIZE })) {
        counts.fetched++;
        if (!isEnvelope(event)) {
          counts.skipped++;
          continue;
        }
        batch.push(event);
        if (batch.length >= PAGE_SIZE) {
          await flush(batch);
          batch = [];
        }
      }
      await flush(batch);
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await releaseSyncLease(db, STRIPE_EVENTS_CURSOR, held, {
      now: new Date(),
      result: { ok: false, error, ...counts, since: iso(from) },
    }).catch(() => false);
    if (err instanceof Stripe.errors.StripeError)
      return fail(
        502,
        `Stripe answered ${err.statusCode ?? "no status"} to the events list: ${error} ${counts.stored ? `(${plural(counts.stored, "event")} stored before that stay stored)` : ""}`.trim(),
      );
    throw err;
  }

  // Oldest first, so one customer's events queue in the order they happened.
  fresh.sort((a, b) => a.created - b.created);
  const rows = fresh.map(({ created: _, ...e }) => e);
  await (opts.enqueue ?? ((events) => replayLater(events, "deliver")))(rows);

  // A run that started at or before the cursor covered everything up to now; one that started later (an
  // explicit `since` after it) leaves the gap before it for the next regular run.
  const covers = previous === undefined || from <= previous;
  const cursor: Cursor | undefined = covers ? { created: Math.max(previous ?? 0, nowSec) } : undefined;
  const summary: BackfillSummary = {
    ...counts,
    since: iso(from),
    until: iso(nowSec),
    olderThanWindow,
    message: messageOf(counts, from, olderThanWindow),
  };
  await releaseSyncLease(db, STRIPE_EVENTS_CURSOR, held, { now: new Date(), result: { ok: true, ...summary }, cursor });
  return { ok: true, ...summary };
}

function messageOf(
  counts: { fetched: number; stored: number; alreadyHad: number; skipped: number },
  from: number,
  olderThanWindow: boolean,
): string {
  const parts = [
    counts.fetched
      ? `Read ${plural(counts.fetched, "Stripe event")} since ${iso(from)}: ${counts.stored} missed (stored and queued), ${counts.alreadyHad} already here${counts.skipped ? `, ${counts.skipped} not valid events (skipped)` : ""}.`
      : `No Stripe events since ${iso(from)}.`,
  ];
  if (olderThanWindow)
    parts.push(
      `Stripe keeps events for ${STRIPE_EVENT_WINDOW_DAYS} days, so nothing before ${iso(from)} could be read. ${ADOPTION_IMPORT_HINT}`,
    );
  return parts.join(" ");
}

/**
 * The scheduled run (the inline timer, the Inngest cron): runs when `everyMinutes` is on and the last run
 * is at least that old (or there was none); `force` runs anyway (start-up). Several processes ask; the
 * lease lets one run.
 */
export async function backfillIfDue(
  db: Db,
  stripe: Stripe,
  everyMinutes: number,
  opts: { now?: () => Date; force?: boolean } = {},
): Promise<BackfillResult | { ok: true; ran: false; reason: string }> {
  if (everyMinutes <= 0) return { ok: true, ran: false, reason: "STRIPE_BACKFILL_MINUTES=0: the backfill is off" };
  const now = (opts.now ?? (() => new Date()))();
  const lastRunAt = (await getSyncCursor(db, STRIPE_EVENTS_CURSOR))?.lastRunAt;
  // A few seconds' slack: a timer that fires a little early still runs.
  if (!opts.force && lastRunAt && now.getTime() - lastRunAt.getTime() < everyMinutes * 60_000 - 5_000)
    return { ok: true, ran: false, reason: "not due yet" };
  return backfillStripeEvents(db, stripe, { now: () => now });
}
