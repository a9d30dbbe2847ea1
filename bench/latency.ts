// Step latency at scale: seeds events and their step records straight into PostgreSQL (generate_series, as the
// console-scale section does), then times the Latency page's query per window (after the one-time summing of finished hours)
// and the alert rule's hourly read.
import { sql as raw } from "drizzle-orm";
import { migrateDb, openDb, rowsOf, type Db } from "../db";
import { getStepLatency, LATENCY_WINDOWS, stepP95Between } from "../db/queries/step-latency";
import { percentile, type Row } from "./lib/stats";

/** Over how many days the seeded events are spread: the 7-day window holds about half of them. */
const SPREAD_DAYS = 14;

/**
 * `events` events over the last SPREAD_DAYS days, three steps each (the identity, the handler's own step, the
 * app callback): about 3 step rows per event. 2% of the handler steps failed once and succeeded on a retry (two
 * attempts in attempt_log); durations are skewed like real calls (most fast, a long tail).
 */
export async function seedStepLatency(db: Db, events: number) {
  const spreadSeconds = SPREAD_DAYS * 86_400;
  await db.execute(raw`insert into events (source, external_id, type, status, raw_body, correlation_id, received_at, occurred_at)
    select case when g % 3 = 0 then 'app' else 'stripe' end::event_source, 'lat_evt_' || g,
           (array['invoice.paid','checkout.session.completed','customer.subscription.updated','user.signed_up','support.requested','invoice.payment_failed'])[1 + g % 6],
           'succeeded', '{}', 'cor_lat_' || g,
           now() - ((g::float8 * ${spreadSeconds} / ${events}) || ' seconds')::interval,
           now() - ((g::float8 * ${spreadSeconds} / ${events}) || ' seconds')::interval
    from generate_series(1, ${events}) g`);
  await db.execute(raw`insert into event_steps (event_id, step, status, attempts, started_at, finished_at, attempt_log)
    select e.id, s.step, 'succeeded', s.attempts, e.received_at + interval '5 ms',
           e.received_at + interval '5 ms' + (s.total_ms || ' milliseconds')::interval,
           case when s.attempts = 1 then jsonb_build_array(jsonb_build_object('attempt', 1,
                  'startedAt', e.received_at + interval '5 ms', 'finishedAt', e.received_at + interval '5 ms' + (s.d1 || ' milliseconds')::interval,
                  'durationMs', s.d1, 'status', 'succeeded'))
                else jsonb_build_array(
                  jsonb_build_object('attempt', 1, 'startedAt', e.received_at, 'finishedAt', e.received_at + (s.d1 || ' milliseconds')::interval,
                    'durationMs', s.d1, 'status', 'failed', 'error', 'hubspot 502: Bad gateway'),
                  jsonb_build_object('attempt', 2, 'startedAt', e.received_at, 'finishedAt', e.received_at + (s.total_ms || ' milliseconds')::interval,
                    'durationMs', s.total_ms - s.d1, 'status', 'succeeded')) end
    from events e
    cross join lateral (
      select v.step, v.attempts, v.d1, v.d1 + case when v.attempts > 1 then v.d2 else 0 end as total_ms
      from (values
        ('resolve-identity', 1, round(5 + 40 * random() ^ 3), 0),
        (case when e.type = 'support.requested' then 'create-ticket'
              when e.type = 'user.signed_up' then 'sync-crm' else 'update-entitlement' end,
         case when random() < 0.02 then 2 else 1 end, round(40 + 900 * random() ^ 4), round(40 + 400 * random() ^ 4)),
        ('notify-app', 1, round(10 + 200 * random() ^ 3), 0)
      ) as v(step, attempts, d1, d2)
    ) s
    where e.external_id like 'lat_evt_%'`);
  // As in console-scale: a bulk load has no statistics or visibility map until autovacuum runs; measure the steady state.
  await db.execute(raw`vacuum (analyze) events, event_steps`);
}

async function time(runs: number, fn: () => Promise<unknown>) {
  const samples: number[] = [];
  await fn();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export async function stepLatencyAtScale(opts: { dbUrl: string; events: number; runs: number }): Promise<Row[]> {
  const handle = await openDb({ url: opts.dbUrl });
  try {
    await migrateDb(handle); // already applied when the Next server ran first; needed when it is skipped
    const db = handle.db;
    const t0 = Date.now();
    await seedStepLatency(db, opts.events);
    const [count] = await rowsOf<{ steps: number }>(db.execute(raw`select count(*)::int as steps from event_steps`));
    const steps = count?.steps ?? 0;
    const rows: Row[] = [
      {
        section: "latency",
        metric: `seeded ${opts.events.toLocaleString("en-US")} events, ${Number(steps).toLocaleString("en-US")} step rows over ${SPREAD_DAYS} days`,
        value: Number(((Date.now() - t0) / 1000).toFixed(1)),
        unit: "s",
      },
    ];
    // The first long-window visit sums every finished hour of the week once (kept in ops_state); later visits
    // read those hours and only the current one live.
    const t1 = performance.now();
    await getStepLatency(db, "7d");
    rows.push({
      section: "latency",
      metric: "first 7d visit: a week of finished hours summed once",
      value: Math.round(performance.now() - t1),
      unit: "ms",
    });
    for (const window of LATENCY_WINDOWS) {
      const target = window === "1h" ? 150 : 500;
      const { p50, p95 } = await time(opts.runs, () => getStepLatency(db, window));
      rows.push({
        section: "latency",
        metric: `Latency page query, ${window} window (p50 / p95)`,
        value: `${p50.toFixed(0)} / ${p95.toFixed(0)}`,
        unit: "ms",
        target: `p95 ≤ ${target} ms`,
        ok: p95 <= target,
      });
    }
    const { p50, p95 } = await time(opts.runs, () => stepP95Between(db, new Date(Date.now() - 3_600_000), new Date()));
    rows.push({
      section: "latency",
      metric: "alert rule's per-step p95, last hour (p50 / p95)",
      value: `${p50.toFixed(0)} / ${p95.toFixed(0)}`,
      unit: "ms",
      target: "p95 ≤ 150 ms",
      ok: p95 <= 150,
    });
    return rows;
  } finally {
    await handle.close();
  }
}
