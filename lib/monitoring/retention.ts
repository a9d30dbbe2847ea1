// Data hygiene: raw payloads older than the retention period are redacted; the event's type, outcome,
// steps and references stay for the console.
import { and, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { events } from "@/db/schema";

export async function redactOldPayloads(db: Db, days: number, now = new Date(), batch = 5_000): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const old = db.select({ id: events.id }).from(events).where(and(lt(events.receivedAt, before), isNotNull(events.rawBody))).limit(batch);
  const rows = await db
    .update(events)
    .set({ rawBody: null, redactedAt: now, updatedAt: now })
    .where(sql`${events.id} in (${old})`)
    .returning({ id: events.id });
  return rows.length;
}
