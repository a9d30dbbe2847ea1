// Alert notifications: claimed in the database first, so two workers never post the same one.
import { and, eq, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type Alert, alerts, customers } from "@/db/schema";
import { notDigest } from "./alert-digest";

/**
 * Alerts with a notification still to post: an opening not yet sent, an escalation to critical
 * not yet sent (dunning: the final attempt failed), or a resolve not yet sent.
 */
export type AlertToNotify = Alert & { customerAppUserId: string | null };

export async function alertsToNotify(db: Db, limit = 50): Promise<AlertToNotify[]> {
  const pendingOpen = and(isNull(alerts.notifiedOpenAt), ne(alerts.status, "resolved"));
  const pendingResolve = and(
    eq(alerts.status, "resolved"),
    isNotNull(alerts.notifiedOpenAt),
    isNull(alerts.notifiedResolveAt),
  );
  const pendingEscalation = and(
    ne(alerts.status, "resolved"),
    isNotNull(alerts.notifiedOpenAt),
    sql`${alerts.details}->>'escalation' = 'pending'`,
  );
  const rows = await db
    .select({ alert: alerts, customerAppUserId: customers.appUserId })
    .from(alerts)
    .leftJoin(customers, eq(customers.id, alerts.customerId))
    .where(and(or(pendingOpen, pendingEscalation, pendingResolve), notDigest))
    .limit(limit);
  return rows.map((r) => ({ ...r.alert, customerAppUserId: r.customerAppUserId }));
}

/** Claims the alert's notification unless another worker holds a fresh claim; answers whether it did. */
export async function claimNotification(db: Db, id: string, now: Date, staleAfterMs = 120_000): Promise<boolean> {
  const staleClaim = new Date(now.getTime() - staleAfterMs);
  const [claimed] = await db
    .update(alerts)
    .set({ notifyClaimedAt: now, notifyAttempts: sql`${alerts.notifyAttempts} + 1` })
    .where(and(eq(alerts.id, id), or(isNull(alerts.notifyClaimedAt), lt(alerts.notifyClaimedAt, staleClaim))))
    .returning({ id: alerts.id });
  return Boolean(claimed);
}

/**
 * Records the notification as posted (`kind`), or with `kind` null releases the claim for a later retry. An
 * opening posted with the alert already critical covers a pending escalation.
 */
export async function finishNotification(
  db: Db,
  id: string,
  kind: "open" | "escalated" | "resolved" | null,
): Promise<void> {
  const sent = new Date();
  const escalationSent = sql`case when ${alerts.details}->>'escalation' = 'pending' then jsonb_set(${alerts.details}, '{escalation}', '"notified"') else ${alerts.details} end`;
  const set =
    kind === "open"
      ? { notifiedOpenAt: sent, notifyClaimedAt: null, details: escalationSent }
      : kind === "escalated"
        ? { notifyClaimedAt: null, details: escalationSent }
        : kind === "resolved"
          ? { notifiedResolveAt: sent, notifyClaimedAt: null }
          : { notifyClaimedAt: null };
  await db.update(alerts).set(set).where(eq(alerts.id, id));
}
