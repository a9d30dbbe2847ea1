// A daily digest of sync failures, while any exist: recorded as an info alert (one per day), posted by
// the notifier like any other.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { alerts } from "@/db/schema";

export async function recordDailyDigest(db: Db, digestHourUtc: number, now = new Date()): Promise<boolean> {
  if (now.getUTCHours() < digestHourUtc) return false;
  const rows = await rowsOf<{ type: string; n: number }>(
    db.execute(sql`select type, count(*)::int as n from events where status = 'failed' group by type order by n desc`),
  );
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  if (total === 0) return false;
  const day = now.toISOString().slice(0, 10);
  const inserted = await db
    .insert(alerts)
    .values({
      kind: "ops",
      dedupeKey: `digest:${day}`,
      status: "resolved",
      severity: "info",
      title: `Daily digest: ${total} sync failure${total === 1 ? "" : "s"} to replay`,
      message: rows.map((r) => `${r.n} × ${r.type}`).join(", "),
      details: { day, byType: rows } as never,
      openedAt: now,
      resolvedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id });
  return inserted.length > 0;
}
