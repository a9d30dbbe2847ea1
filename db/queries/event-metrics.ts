// Aggregates over events and their steps for the alert rules, the daily digest, /api/health and the
// readiness checks: backlog, failures in a window, credentials refused, last arrival per source.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

const iso = (d: Date) => d.toISOString();

/** Counts for the rules: failures and completions since `since`, failures since `recentSince`, the oldest waiting event. */
export async function ruleWindowCounts(db: Db, since: Date, recentSince: Date) {
  const [row] = await rowsOf<{
    failed: number;
    done: number;
    recent_failed: number;
    support_failed: number;
    oldest: string | null;
  }>(
    db.execute(
      sql`select count(*) filter (where status = 'failed' and received_at >= ${iso(since)}::timestamptz)::int as failed,
               count(*) filter (where status in ('succeeded', 'failed') and received_at >= ${iso(since)}::timestamptz)::int as done,
               count(*) filter (where status = 'failed' and received_at >= ${iso(recentSince)}::timestamptz)::int as recent_failed,
               count(*) filter (where status = 'failed' and type = 'support.requested' and received_at >= ${iso(since)}::timestamptz)::int as support_failed,
               min(case when status = 'received' and attempts > 0 then updated_at else received_at end) filter (where status in ('received', 'processing')) as oldest
        from events where received_at >= ${iso(since)}::timestamptz or status in ('received', 'processing')`,
    ),
  );
  return {
    failed: row?.failed ?? 0,
    done: row?.done ?? 0,
    recentFailed: row?.recent_failed ?? 0,
    supportFailed: row?.support_failed ?? 0,
    oldestWaiting: row?.oldest ? new Date(row.oldest) : null,
  };
}

/** The services that refused our credentials (401/403) on a step since `since`. */
export async function servicesRefusingCredentials(db: Db, since: Date): Promise<string[]> {
  const rows = await rowsOf<{ service: string | null }>(
    db.execute(sql`select distinct error_service as service from event_steps
                   where status = 'failed' and error_status in (401, 403) and updated_at >= ${iso(since)}::timestamptz`),
  );
  return rows.map((r) => r.service).filter((s): s is string => Boolean(s));
}

/** Failed events by type, most first (the daily digest). */
export async function failedEventsByType(db: Db): Promise<{ type: string; n: number }[]> {
  return rowsOf<{ type: string; n: number }>(
    db.execute(sql`select type, count(*)::int as n from events where status = 'failed' group by type order by n desc`),
  );
}

/** Events waiting, running and failed, and when the oldest waiting one arrived (/api/health). */
export async function backlogCounts(db: Db) {
  const [row] = await rowsOf<{ received: number; processing: number; failed: number; oldest: string | null }>(
    db.execute(sql`
        select count(*) filter (where status = 'received')::int as received,
               count(*) filter (where status = 'processing')::int as processing,
               count(*) filter (where status = 'failed')::int as failed,
               min(case when status = 'received' and attempts > 0 then updated_at else received_at end) filter (where status in ('received', 'processing')) as oldest
        from events where status in ('received', 'processing', 'failed')`),
  );
  return {
    received: row?.received ?? 0,
    processing: row?.processing ?? 0,
    failed: row?.failed ?? 0,
    oldestWaiting: row?.oldest ? new Date(row.oldest) : null,
  };
}

/** When the last event from `source` arrived, or null if none ever did. */
export async function lastArrival(db: Db, source: "stripe" | "app"): Promise<Date | null> {
  const [row] = await rowsOf<{ last: string | Date | null }>(
    db.execute(sql`select max(received_at) as last from events where source = ${source}`),
  );
  return row?.last ? new Date(row.last) : null;
}
