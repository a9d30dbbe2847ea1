// The periodic reconciliation, driven by the minute ops tick: a pass over every customer starts at most once an
// hour and goes on a hundred customers per tick (one tick stays short), resuming after the last customer
// checked. The `reconcile` sync cursor holds where the pass is and its lease keeps two processes from running it.
import type { Db } from "@/db";
import { acquireSyncLease, getSyncCursor, releaseSyncLease } from "@/db/queries/sync-cursors";
import { type ReconcileOutcome, type ReconcileServices, reconcileCustomers } from "./reconcile";

export const RECONCILE_CURSOR = "reconcile";
export const RECONCILE_EVERY_MS = 60 * 60 * 1000;
/** Customers checked per tick. */
export const RECONCILE_PER_TICK = 100;
const STALE_LEASE_MS = 10 * 60 * 1000;

type Cursor = { afterId: string | null; passStartedAt: string | null };

function cursorOf(value: unknown): Cursor {
  const c = (value ?? {}) as Partial<Cursor>;
  return {
    afterId: typeof c.afterId === "string" ? c.afterId : null,
    passStartedAt: typeof c.passStartedAt === "string" ? c.passStartedAt : null,
  };
}

/** Runs the next slice of the hourly pass when one is due; null when it is not (or another process has it). */
export async function reconcileTick(
  db: Db,
  services: ReconcileServices,
  now = new Date(),
  opts: { perTick?: number; everyMs?: number } = {},
): Promise<(ReconcileOutcome & { passStartedAt: string }) | null> {
  const row = await getSyncCursor(db, RECONCILE_CURSOR);
  const cursor = cursorOf(row?.cursor);
  const passing = cursor.afterId !== null;
  const lastPass = cursor.passStartedAt ? Date.parse(cursor.passStartedAt) : 0;
  if (!passing && now.getTime() - lastPass < (opts.everyMs ?? RECONCILE_EVERY_MS)) return null;
  const lease = await acquireSyncLease(db, RECONCILE_CURSOR, now, new Date(now.getTime() - STALE_LEASE_MS));
  if (!lease.row) return null;
  const held = lease.row.runningSince as Date;
  const passStartedAt = passing && cursor.passStartedAt ? cursor.passStartedAt : now.toISOString();
  let outcome: ReconcileOutcome | undefined;
  try {
    outcome = await reconcileCustomers(db, services, {
      afterId: cursor.afterId ?? undefined,
      maxCustomers: opts.perTick ?? RECONCILE_PER_TICK,
    });
    return { ...outcome, passStartedAt };
  } finally {
    const next: Cursor = outcome
      ? { afterId: outcome.done ? null : outcome.lastId, passStartedAt }
      : { afterId: cursor.afterId, passStartedAt: cursor.passStartedAt };
    await releaseSyncLease(db, RECONCILE_CURSOR, held, {
      now: new Date(),
      result: outcome ?? { error: "the reconciliation slice failed" },
      cursor: next,
    });
  }
}
