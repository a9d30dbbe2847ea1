// How well the flow runs over a window: failure rate, payment → entitlement / CRM delays (p95), support
// tickets created on the first attempt, and hourly event volume with failures (for the overview chart). Failures
// are the ones that happened (each step's attempt_log), not only the events' current status.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { STEP } from "@/lib/pipeline/engine/step-names";

const PAYMENT_TYPES = sql`('checkout.session.completed', 'invoice.paid')`;

/** p95 seconds from a Stripe payment event's arrival to the end of `step`, for events since `since`. */
export async function paymentDelayP95(
  db: Db,
  step: typeof STEP.updateEntitlement | typeof STEP.syncCrm,
  since: Date,
): Promise<number | null> {
  const [row] = await rowsOf<{ p95: number | null }>(
    db.execute(sql`select percentile_cont(0.95) within group (order by extract(epoch from (s.finished_at - e.received_at)))::float8 as p95
        from event_steps s join events e on e.id = s.event_id
        where e.source = 'stripe' and e.type in ${PAYMENT_TYPES} and s.step = ${step} and s.status = 'succeeded'
          and e.received_at >= ${since.toISOString()}::timestamptz`),
  );
  return row?.p95 === null || row?.p95 === undefined ? null : Number(row.p95);
}

export type FlowFigures = {
  since: Date;
  processed: number;
  /** Events of the window that failed at least once: failed now, or recovered by a retry or a replay. */
  failed: number;
  /** Of those, the ones still failed now (the list "Events → Failed" of the window shows exactly these). */
  failedNow: number;
  failureRatePercent: number | null;
  entitlementP95Seconds: number | null;
  crmP95Seconds: number | null;
  /** Stripe payment events of the window by type (the rows behind the two p95 figures). */
  payments: { checkout: number; invoice: number };
  tickets: number;
  ticketsFirstAttemptPercent: number | null;
  volume: VolumeHour[];
};

/** One hour of the chart, by the events received in it: first-time successes, recovered after a failure, failed now, other. */
export type VolumeHour = { hour: string; succeeded: number; recovered: number; failed: number; other: number };

/**
 * The events whose steps failed at least once since `iso`. A step's finished_at moves with each attempt, so a
 * failure inside the window leaves its step's finished_at inside it: the finished_at index bounds the read.
 * Each attempt is in attempt_log; rows written before the log existed (empty log) count when the step is
 * failed now or needed more than one attempt (the engine retries only after a failure).
 */
const failedOnce = (iso: string) => sql`select distinct event_id from event_steps
  where finished_at >= ${iso}::timestamptz
    and (status = 'failed' or attempt_log @> '[{"status":"failed"}]'::jsonb
         or (attempt_log = '[]'::jsonb and attempts > 1))`;

export async function getFlowFigures(db: Db, now = new Date(), hours = 24): Promise<FlowFigures> {
  const since = new Date(now.getTime() - hours * 3_600_000);
  const iso = since.toISOString();
  const [[tickets], volume, [payments], entitlementP95Seconds, crmP95Seconds] = await Promise.all([
    rowsOf<{ total: number; first: number }>(
      db.execute(sql`select count(*)::int as total, count(*) filter (where s.attempts = 1)::int as first
                     from event_steps s join events e on e.id = s.event_id
                     where s.step = 'create-ticket' and s.status = 'succeeded' and e.received_at >= ${iso}::timestamptz`),
    ),
    rowsOf<{ hour: string | Date; succeeded: number; recovered: number; failed: number; other: number }>(
      db.execute(sql`with failed_once as (${failedOnce(iso)})
                     select date_trunc('hour', e.received_at) as hour,
                            count(*) filter (where e.status = 'succeeded' and f.event_id is null)::int as succeeded,
                            count(*) filter (where e.status = 'succeeded' and f.event_id is not null)::int as recovered,
                            count(*) filter (where e.status = 'failed')::int as failed,
                            count(*) filter (where e.status not in ('succeeded', 'failed'))::int as other
                     from events e left join failed_once f on f.event_id = e.id
                     where e.received_at >= ${iso}::timestamptz group by 1 order by 1`),
    ),
    rowsOf<{ checkout: number; invoice: number }>(
      db.execute(sql`select count(*) filter (where type = 'checkout.session.completed')::int as checkout,
                            count(*) filter (where type = 'invoice.paid')::int as invoice
                     from events where source = 'stripe' and type in ${PAYMENT_TYPES} and received_at >= ${iso}::timestamptz`),
    ),
    paymentDelayP95(db, STEP.updateEntitlement, since),
    paymentDelayP95(db, STEP.syncCrm, since),
  ]);
  const byHour = new Map(volume.map((v) => [new Date(v.hour).toISOString(), v]));
  const start = Math.floor(since.getTime() / 3_600_000) * 3_600_000;
  const filled = Array.from({ length: hours + 1 }, (_, i) => {
    const hour = new Date(start + i * 3_600_000).toISOString();
    const v = byHour.get(hour);
    return {
      hour,
      succeeded: v?.succeeded ?? 0,
      recovered: v?.recovered ?? 0,
      failed: v?.failed ?? 0,
      other: v?.other ?? 0,
    };
  });
  const sum = (k: "succeeded" | "recovered" | "failed") => volume.reduce((n, v) => n + v[k], 0);
  const failedNow = sum("failed");
  const failed = failedNow + sum("recovered");
  const processed = sum("succeeded") + failed;
  return {
    since,
    processed,
    failed,
    failedNow,
    failureRatePercent: processed ? (failed / processed) * 100 : null,
    entitlementP95Seconds,
    crmP95Seconds,
    payments: { checkout: payments?.checkout ?? 0, invoice: payments?.invoice ?? 0 },
    tickets: tickets?.total ?? 0,
    ticketsFirstAttemptPercent: tickets?.total ? (tickets.first / tickets.total) * 100 : null,
    volume: filled,
  };
}
