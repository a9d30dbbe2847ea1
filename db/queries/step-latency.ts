// How long each pipeline step takes, per handler (event type) and step: attempts, failure rate, p50/p95 over a
// window, and p95 over time for the slowest steps (the Latency page), plus the per-step p95 the alert rule reads.
// Every attempt counts: a retried step has one entry per attempt in attempt_log (oldest first, kept across
// replays); a row written before the log existed counts once, from its started_at/finished_at.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { addHistogram, type Histogram, histogramPercentile, hourStart, hoursSince } from "./step-latency-hours";

export const LATENCY_WINDOWS = ["1h", "24h", "7d"] as const;
export type LatencyWindow = (typeof LATENCY_WINDOWS)[number];

/** Each window's length and the width of one chart point (12 to 29 points per chart). */
export const WINDOW_SPEC: Record<LatencyWindow, { ms: number; bucketMs: number; label: string }> = {
  "1h": { ms: 3_600_000, bucketMs: 5 * 60_000, label: "last hour" },
  "24h": { ms: 86_400_000, bucketMs: 3_600_000, label: "last 24 hours" },
  "7d": { ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000, label: "last 7 days" },
};

export function isLatencyWindow(v: unknown): v is LatencyWindow {
  return typeof v === "string" && (LATENCY_WINDOWS as readonly string[]).includes(v);
}

export type StepLatencyRow = {
  /** The handler: the event type whose steps these are. */
  type: string;
  step: string;
  /** Attempts that ran (succeeded or failed; a skip is a decision not to run, so it is not counted). */
  count: number;
  failed: number;
  /** failed / count × 100. */
  failureRatePercent: number;
  p50Ms: number;
  p95Ms: number;
};

/** One step across every handler (the alert rule and the chart's choice of "slowest"). */
export type StepTotal = { step: string; count: number; failed: number; p50Ms: number; p95Ms: number };

/** p95 per chart point for one step; null where the step did not run in that point's span. */
export type LatencySeries = { step: string; points: Array<{ at: string; p95Ms: number | null }> };

export type StepLatency = {
  window: LatencyWindow;
  since: Date;
  rows: StepLatencyRow[];
  steps: StepTotal[];
  /** The slowest steps' p95 over time, slowest first. */
  series: LatencySeries[];
};

/**
 * The attempts that finished in [`since`, `until`). The finished_at index bounds the read: a row's finished_at
 * is its latest attempt's, so a row with an attempt in the range has finished_at at or after `since`; older
 * attempts of the same row are dropped by their own finishedAt. A one-attempt row is its own attempt (no JSON
 * to read); the event's type is a primary-key lookup per row (a hash join would read every event).
 */
const attemptsBetween = (iso: string, untilIso: string) => sql`
  select (select e.type from events e where e.id = s.event_id) as type, s.step, a.status, a.duration_ms, a.finished_at
  from event_steps s
  cross join lateral (
    select x.status, x."durationMs" as duration_ms, x."finishedAt" as finished_at
      from jsonb_to_recordset(s.attempt_log) as x(status text, "durationMs" float8, "finishedAt" timestamptz)
      where s.attempts > 1 and s.attempt_log <> '[]'::jsonb
    union all
    select s.status::text, extract(epoch from (s.finished_at - s.started_at)) * 1000, s.finished_at
      where (s.attempts <= 1 or s.attempt_log = '[]'::jsonb) and s.started_at is not null
  ) a
  where s.finished_at >= ${iso}::timestamptz
    and a.finished_at >= ${iso}::timestamptz and a.finished_at < ${untilIso}::timestamptz
    and a.status in ('succeeded', 'failed')`;

type AggRow = {
  type: string | null;
  step: string;
  bucket: string | Date | null;
  count: number;
  failed: number;
  p50: number | null;
  p95: number | null;
  g_type: number;
  g_bucket: number;
};

const ms = (v: number | null) => Math.round(Number(v ?? 0));

/** The window's figures: the last hour exact from the raw attempts, 24 h and 7 d from hourly histograms. */
export async function getStepLatency(
  db: Db,
  window: LatencyWindow,
  now = new Date(),
  opts: { seriesCount?: number } = {},
): Promise<StepLatency> {
  return window === "1h"
    ? exactLatency(db, now, opts.seriesCount ?? 4)
    : hourlyLatency(db, window, now, opts.seriesCount ?? 4);
}

/** The chart's point starts from `since` to `now`, `bucketMs` apart. */
const pointStarts = (since: Date, now: Date, bucketMs: number) =>
  Array.from({ length: Math.ceil((now.getTime() - since.getTime()) / bucketMs) }, (_, i) =>
    new Date(since.getTime() + i * bucketMs).toISOString(),
  );

const byP95 = <T extends { p95Ms: number; step: string; type?: string }>(a: T, b: T) =>
  b.p95Ms - a.p95Ms || (a.type ?? "").localeCompare(b.type ?? "") || a.step.localeCompare(b.step);

/**
 * The last hour, exact: one pass over its attempts, grouping sets give the table (handler, step), the per-step
 * totals (step) and the chart points (step, bucket) together.
 */
async function exactLatency(db: Db, now: Date, seriesCount: number): Promise<StepLatency> {
  const spec = WINDOW_SPEC["1h"];
  const since = new Date(now.getTime() - spec.ms);
  const iso = since.toISOString();
  const bucket = `${spec.bucketMs / 1000} seconds`;
  const rows = await rowsOf<AggRow>(
    db.execute(sql`
      with attempts as (${attemptsBetween(iso, now.toISOString())}),
      binned as (select *, date_bin(${bucket}::interval, finished_at, ${iso}::timestamptz) as bucket from attempts)
      select type, step, bucket,
             count(*)::int as count,
             count(*) filter (where status = 'failed')::int as failed,
             percentile_cont(0.5) within group (order by duration_ms)::float8 as p50,
             percentile_cont(0.95) within group (order by duration_ms)::float8 as p95,
             grouping(type)::int as g_type,
             grouping(bucket)::int as g_bucket
      from binned
      group by grouping sets ((type, step), (step), (step, bucket))`),
  );
  const table: StepLatencyRow[] = rows
    .filter((r) => r.g_type === 0)
    .map((r) => ({
      type: String(r.type),
      step: r.step,
      count: r.count,
      failed: r.failed,
      failureRatePercent: r.count > 0 ? (r.failed / r.count) * 100 : 0,
      p50Ms: ms(r.p50),
      p95Ms: ms(r.p95),
    }))
    .sort(byP95);
  const steps: StepTotal[] = rows
    .filter((r) => r.g_type === 1 && r.g_bucket === 1)
    .map((r) => ({ step: r.step, count: r.count, failed: r.failed, p50Ms: ms(r.p50), p95Ms: ms(r.p95) }))
    .sort(byP95);
  const starts = pointStarts(since, now, spec.bucketMs);
  const series: LatencySeries[] = steps.slice(0, seriesCount).map(({ step }) => {
    const byStart = new Map(
      rows
        .filter((r) => r.g_bucket === 0 && r.step === step)
        .map((r) => [new Date(r.bucket as string | Date).toISOString(), ms(r.p95)]),
    );
    return { step, points: starts.map((at) => ({ at, p95Ms: byStart.get(at) ?? null })) };
  });
  return { window: "1h", since, rows: table, steps, series };
}

/** 24 h or 7 d from whole hours (the current one included): at least the window, at most an hour more. */
async function hourlyLatency(db: Db, window: LatencyWindow, now: Date, seriesCount: number): Promise<StepLatency> {
  const spec = WINDOW_SPEC[window];
  const since = new Date(hourStart(now).getTime() - spec.ms);
  const hours = await hoursSince(db, attemptsBetween, since, now);
  const pairs = new Map<string, { type: string; step: string; n: number; failed: number; h: Histogram }>();
  const steps = new Map<string, { n: number; failed: number; h: Histogram }>();
  const points = new Map<string, Histogram>(); // step + point start
  for (const hour of hours) {
    const point = new Date(
      since.getTime() + Math.floor((Date.parse(hour.hour) - since.getTime()) / spec.bucketMs) * spec.bucketMs,
    ).toISOString();
    for (const r of hour.rows) {
      const pair = pairs.get(`${r.type}\u0000${r.step}`) ?? {
        type: r.type,
        step: r.step,
        n: 0,
        failed: 0,
        h: new Map(),
      };
      pairs.set(`${r.type}\u0000${r.step}`, pair);
      const total = steps.get(r.step) ?? { n: 0, failed: 0, h: new Map() };
      steps.set(r.step, total);
      const atPoint = points.get(`${r.step}\u0000${point}`) ?? new Map();
      points.set(`${r.step}\u0000${point}`, atPoint);
      for (const into of [pair, total]) {
        into.n += r.n;
        into.failed += r.failed;
        addHistogram(into.h, r.hist);
      }
      addHistogram(atPoint, r.hist);
    }
  }
  const table: StepLatencyRow[] = [...pairs.values()]
    .map((p) => ({
      type: p.type,
      step: p.step,
      count: p.n,
      failed: p.failed,
      failureRatePercent: p.n > 0 ? (p.failed / p.n) * 100 : 0,
      p50Ms: histogramPercentile(p.h, 0.5),
      p95Ms: histogramPercentile(p.h, 0.95),
    }))
    .sort(byP95);
  const totals: StepTotal[] = [...steps]
    .map(([step, t]) => ({
      step,
      count: t.n,
      failed: t.failed,
      p50Ms: histogramPercentile(t.h, 0.5),
      p95Ms: histogramPercentile(t.h, 0.95),
    }))
    .sort(byP95);
  const starts = pointStarts(since, now, spec.bucketMs);
  const series: LatencySeries[] = totals.slice(0, seriesCount).map(({ step }) => ({
    step,
    points: starts.map((at) => {
      const h = points.get(`${step}\u0000${at}`);
      return { at, p95Ms: h ? histogramPercentile(h, 0.95) : null };
    }),
  }));
  return { window, since, rows: table, steps: totals, series };
}

/** Per step across handlers, attempts that finished between `since` and `now`: for the alert rule. */
export async function stepP95Between(db: Db, since: Date, now: Date): Promise<StepTotal[]> {
  const rows = await rowsOf<{ step: string; count: number; failed: number; p50: number; p95: number }>(
    db.execute(sql`
      with attempts as (${attemptsBetween(since.toISOString(), now.toISOString())})
      select step, count(*)::int as count, count(*) filter (where status = 'failed')::int as failed,
             percentile_cont(0.5) within group (order by duration_ms)::float8 as p50,
             percentile_cont(0.95) within group (order by duration_ms)::float8 as p95
      from attempts group by step`),
  );
  return rows
    .map((r) => ({ step: r.step, count: r.count, failed: r.failed, p50Ms: ms(r.p50), p95Ms: ms(r.p95) }))
    .sort((a, b) => b.p95Ms - a.p95Ms);
}

/**
 * Sums the finished hours of the last 7 days that are not summed yet (normally the one that just ended), so a
 * visit to Latency never pays for it: for the minute tick.
 */
export async function sumFinishedStepLatencyHours(db: Db, now = new Date()): Promise<void> {
  await hoursSince(db, attemptsBetween, new Date(hourStart(now).getTime() - WINDOW_SPEC["7d"].ms), now);
}
