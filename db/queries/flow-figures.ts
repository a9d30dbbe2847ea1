// How well the flow runs over a window: failure rate, payment → entitlement / CRM delays (p95), support
// tickets created on the first attempt, and hourly event volume with failures (for the overview chart).
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
  failed: number;
  failureRatePercent: number | null;
  entitlementP95Seconds: number | null;
  crmP95Seconds: number | null;
  tickets: number;
  ticketsFirstAttemptPercent: number | null;
  volume: { hour: string; succeeded: number; failed: number; other: number }[];
};

export async function getFlowFigures(db: Db, now = new Date(), hours = 24): Promise<FlowFigures> {
  const since = new Date(now.getTime() - hours * 3_600_000);
  const iso = since.toISOString();
  const [[counts], [tickets], volume, entitlementP95Seconds, crmP95Seconds] = await Promise.all([
    rowsOf<{ processed: number; failed: number }>(
      db.execute(sql`select count(*) filter (where status in ('succeeded', 'failed'))::int as processed, count(*) filter (where status = 'failed')::int as failed
                     from events where received_at >= ${iso}::timestamptz`),
    ),
    rowsOf<{ total: number; first: number }>(
      db.execute(sql`select count(*)::int as total, count(*) filter (where s.attempts = 1)::int as first
                     from event_steps s join events e on e.id = s.event_id
                     where s.step = 'create-ticket' and s.status = 'succeeded' and e.received_at >= ${iso}::timestamptz`),
    ),
    rowsOf<{ hour: string | Date; succeeded: number; failed: number; other: number }>(
      db.execute(sql`select date_trunc('hour', received_at) as hour,
                            count(*) filter (where status = 'succeeded')::int as succeeded,
                            count(*) filter (where status = 'failed')::int as failed,
                            count(*) filter (where status not in ('succeeded', 'failed'))::int as other
                     from events where received_at >= ${iso}::timestamptz group by 1 order by 1`),
    ),
    paymentDelayP95(db, STEP.updateEntitlement, since),
    paymentDelayP95(db, STEP.syncCrm, since),
  ]);
  const processed = counts?.processed ?? 0;
  const failed = counts?.failed ?? 0;
  const byHour = new Map(volume.map((v) => [new Date(v.hour).toISOString(), v]));
  const start = Math.floor(since.getTime() / 3_600_000) * 3_600_000;
  const filled = Array.from({ length: hours + 1 }, (_, i) => {
    const hour = new Date(start + i * 3_600_000).toISOString();
    const v = byHour.get(hour);
    return { hour, succeeded: v?.succeeded ?? 0, failed: v?.failed ?? 0, other: v?.other ?? 0 };
  });
  return {
    since,
    processed,
    failed,
    failureRatePercent: processed ? (failed / processed) * 100 : null,
    entitlementP95Seconds,
    crmP95Seconds,
    tickets: tickets?.total ?? 0,
    ticketsFirstAttemptPercent: tickets?.total ? (tickets.first / tickets.total) * 100 : null,
    volume: filled,
  };
}
