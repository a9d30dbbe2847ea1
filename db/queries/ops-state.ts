// The operations loop's small named state (`ops_state`, one JSON value per key): when a scheduled check last
// ran and what it found, an uptime probe's consecutive failures. Shared by every instance, so a schedule
// survives restarts and deploys.
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { opsState } from "@/db/schema";

/** The value stored under `key`, or undefined when nothing was stored yet. */
export async function readOpsState<T>(db: Db, key: string): Promise<T | undefined> {
  const [row] = await db.select({ value: opsState.value }).from(opsState).where(eq(opsState.key, key)).limit(1);
  return row?.value as T | undefined;
}

/** Stores `value` under `key`, replacing what was there. */
export async function writeOpsState(db: Db, key: string, value: unknown, now = new Date()): Promise<void> {
  await db
    .insert(opsState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: opsState.key, set: { value, updatedAt: now } });
}
