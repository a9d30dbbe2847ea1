// The overview figures: one round trip, each count served by an index (events by received_at and
// status, alerts by status, rejected deliveries by last_at, open drift by the partial unique index).
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

export type Overview = {
  /** Events received since 00:00 UTC today. */
  eventsToday: number;
  failedEvents: number;
  /** Events waiting to be processed: received or processing. */
  backlog: number;
  /** When the oldest waiting event arrived (null when the backlog is empty). */
  oldestBacklogAt: Date | null;
  openAlerts: number;
  customers: number;
  /** Webhook deliveries refused in the last 24 hours (each aggregate row counts for its count). */
  rejectedDeliveries24h: number;
  /** Events the backfill found in the last 24 h: each one a webhook delivery that never reached us. */
  backfilled24h: number;
  /** Open drift findings: where Stripe, HubSpot or Zendesk differs from our records. */
  openDrift: number;
  /** The start of "today" used for eventsToday (UTC midnight). */
  todayStart: Date;
};

export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function getOverview(db: Db, now: Date = new Date()): Promise<Overview> {
  const todayStart = utcDayStart(now);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [row] = await rowsOf<Record<string, number | string | Date | null>>(
    db.execute(sql`
      select
        (select count(*) from events where received_at >= ${todayStart.toISOString()}::timestamptz) as events_today,
        (select count(*) from events where status = 'failed') as failed_events,
        (select count(*) from events where status in ('received', 'processing')) as backlog,
        (select min(received_at) from events where status in ('received', 'processing')) as oldest_backlog_at,
        (select count(*) from alerts where status = 'open') as open_alerts,
        (select count(*) from customers) as customers,
        (select coalesce(sum(count), 0) from rejected_deliveries where last_at >= ${dayAgo.toISOString()}::timestamptz) as rejected_deliveries_24h,
        (select count(*) from events where arrived_via = 'backfill' and received_at >= ${dayAgo.toISOString()}::timestamptz) as backfilled_24h,
        (select count(*) from drift_findings where resolved_at is null) as open_drift
    `),
  );
  const oldest = row?.oldest_backlog_at;
  return {
    eventsToday: Number(row?.events_today ?? 0),
    failedEvents: Number(row?.failed_events ?? 0),
    backlog: Number(row?.backlog ?? 0),
    oldestBacklogAt: oldest ? new Date(oldest as string | Date) : null,
    openAlerts: Number(row?.open_alerts ?? 0),
    customers: Number(row?.customers ?? 0),
    rejectedDeliveries24h: Number(row?.rejected_deliveries_24h ?? 0),
    backfilled24h: Number(row?.backfilled_24h ?? 0),
    openDrift: Number(row?.open_drift ?? 0),
    todayStart,
  };
}
