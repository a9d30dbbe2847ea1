// The daily digest: a notification, not an alert (kept in ops_state, never in the alerts list).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts, opsState } from "@/db/schema";

/** Digests recorded as alert rows before they moved to ops_state: informational, not alerts to list. */
export const notDigest = sql`${alerts.dedupeKey} not like 'digest:%'`;

const DIGEST_KEY = "daily-digest";
export type DailyDigest = { day: string; title: string; message: string; details: unknown; notifiedAt: string | null };

/** Records the day's digest unless one is recorded for this day or a later one; answers whether it is new. */
export async function recordDigest(
  db: Db,
  input: { day: string; title: string; message: string; details: unknown; now: Date },
): Promise<boolean> {
  const value: DailyDigest = {
    day: input.day,
    title: input.title,
    message: input.message,
    details: input.details,
    notifiedAt: null,
  };
  const rows = await db
    .insert(opsState)
    .values({ key: DIGEST_KEY, value, updatedAt: input.now })
    .onConflictDoUpdate({
      target: opsState.key,
      set: { value: sql`excluded.value`, updatedAt: input.now },
      setWhere: sql`${opsState.value}->>'day' < excluded.value->>'day'`,
    })
    .returning({ key: opsState.key });
  return rows.length > 0;
}

/** The latest digest (posted or not), for the notifier and tests. */
export async function latestDigest(db: Db): Promise<DailyDigest | undefined> {
  const [row] = await db.select({ value: opsState.value }).from(opsState).where(eq(opsState.key, DIGEST_KEY)).limit(1);
  return row?.value as DailyDigest | undefined;
}

/**
 * Claims the digest's notification: marks it posted in one conditional UPDATE, so two workers never post it
 * twice; a failed post calls releaseDigest to have it retried on the next tick. Answers the digest claimed.
 */
export async function claimDigest(db: Db, now: Date): Promise<DailyDigest | undefined> {
  const [row] = await db
    .update(opsState)
    .set({
      value: sql`jsonb_set(${opsState.value}, '{notifiedAt}', to_jsonb(${now.toISOString()}::text))`,
      updatedAt: now,
    })
    .where(and(eq(opsState.key, DIGEST_KEY), sql`${opsState.value}->>'notifiedAt' is null`))
    .returning({ value: opsState.value });
  return row?.value as DailyDigest | undefined;
}

export async function releaseDigest(db: Db, day: string): Promise<void> {
  await db
    .update(opsState)
    .set({ value: sql`jsonb_set(${opsState.value}, '{notifiedAt}', 'null'::jsonb)` })
    .where(and(eq(opsState.key, DIGEST_KEY), sql`${opsState.value}->>'day' = ${day}`));
}
