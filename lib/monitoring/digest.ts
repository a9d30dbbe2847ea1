// A daily digest of sync failures and open drift, while any exist: one a day, kept in ops_state and posted
// by the notifier. It informs and nobody acts on it, so it is a notification, never a row in the alerts list.
import type { Db } from "@/db";
import { recordDigest } from "@/db/queries/alerts";
import { openDriftCount } from "@/db/queries/drift";
import { failedEventsByType } from "@/db/queries/event-metrics";

const plural = (n: number, one: string, other: string) => `${n} ${n === 1 ? one : other}`;

export async function recordDailyDigest(db: Db, digestHourUtc: number, now = new Date()): Promise<boolean> {
  if (now.getUTCHours() < digestHourUtc) return false;
  const [rows, drift] = await Promise.all([failedEventsByType(db), openDriftCount(db)]);
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  if (total === 0 && drift === 0) return false;
  const day = now.toISOString().slice(0, 10);
  const parts = [
    ...(total > 0 ? [`${plural(total, "sync failure", "sync failures")} to replay`] : []),
    ...(drift > 0 ? [`${plural(drift, "drift difference", "drift differences")} to review`] : []),
  ];
  const driftLine =
    drift > 0 ? `${plural(drift, "difference", "differences")} with Stripe, HubSpot or Zendesk (Drift page)` : "";
  return recordDigest(db, {
    day,
    title: `Daily digest: ${parts.join(", ")}`,
    message: [rows.map((r) => `${r.n} × ${r.type}`).join(", "), driftLine].filter(Boolean).join("; "),
    details: { day, byType: rows, openDrift: drift },
    now,
  });
}
