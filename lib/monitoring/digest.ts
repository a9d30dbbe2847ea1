// A daily digest of sync failures, while any exist: recorded as an info alert (one per day), posted by
// the notifier like any other.
import type { Db } from "@/db";
import { insertDigestAlert } from "@/db/queries/alerts";
import { failedEventsByType } from "@/db/queries/event-metrics";

export async function recordDailyDigest(db: Db, digestHourUtc: number, now = new Date()): Promise<boolean> {
  if (now.getUTCHours() < digestHourUtc) return false;
  const rows = await failedEventsByType(db);
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  if (total === 0) return false;
  const day = now.toISOString().slice(0, 10);
  return insertDigestAlert(db, {
    day,
    title: `Daily digest: ${total} sync failure${total === 1 ? "" : "s"} to replay`,
    message: rows.map((r) => `${r.n} × ${r.type}`).join(", "),
    details: { day, byType: rows },
    now,
  });
}
