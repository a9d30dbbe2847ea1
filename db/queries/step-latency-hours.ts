// Step latency for the long windows (24 h, 7 d), from hourly rollups. Measured on a million events (bench
// latency), a percentile over a week of raw attempts (1.5 million) took seconds; an hour that is over never
// changes (an attempt is recorded in the hour it finished, and a replay's attempts finish now), so each finished
// hour is summed once into a histogram per handler and step and kept in ops_state (`step-latency-hour:<hour>`).
// The page merges the hours' histograms plus the current hour read live. Percentiles from a histogram whose
// buckets grow by 10% are within ±5% of the exact figure; counts and failures are exact. The 1-hour window
// and the alert rule read the raw attempts (exact).
import { and, gte, like, lt, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { opsState } from "@/db/schema";

const HOUR = 3_600_000;
/** An hour is rolled up once it ended this long ago: a step that finished at :59 has been written by then. */
const SETTLE_MS = 2 * 60_000;
/** Rolled-up hours kept: the 7-day window and a day of margin. */
const KEEP_MS = 8 * 86_400_000;
const KEY_PREFIX = "step-latency-hour:";
/** Bucket b holds durations in (RATIO^(b-1), RATIO^b] ms; bucket 0 holds those under 1 ms. */
const RATIO = 1.1;

/** One handler and step within one hour: attempts, failures and [bucket, attempts] pairs. */
export type HourRow = { type: string; step: string; n: number; failed: number; hist: Array<[number, number]> };
type HourRollup = { hour: string; rows: HourRow[] };

const keyOf = (hour: Date) => `${KEY_PREFIX}${hour.toISOString()}`;
export const hourStart = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/** The attempts of [from, until) as per-hour histograms, one query (grouped in the database). */
export async function hourHistograms(
  db: Db,
  attempts: (fromIso: string, untilIso: string) => ReturnType<typeof sql>,
  from: Date,
  until: Date,
): Promise<HourRollup[]> {
  const rows = await rowsOf<{ hour: string | Date; type: string; step: string; b: number; n: number; failed: number }>(
    db.execute(sql`
      with attempts as (${attempts(from.toISOString(), until.toISOString())})
      select date_bin('1 hour'::interval, finished_at, '2000-01-01T00:00:00Z'::timestamptz) as hour, type, step,
             case when duration_ms < 1 then 0 else ceil(ln(duration_ms) / ln(${RATIO}::float8))::int end as b,
             count(*)::int as n, count(*) filter (where status = 'failed')::int as failed
      from attempts group by 1, 2, 3, 4`),
  );
  const hours = new Map<string, Map<string, HourRow>>();
  for (let t = hourStart(from).getTime(); t < until.getTime(); t += HOUR)
    hours.set(new Date(t).toISOString(), new Map());
  for (const r of rows) {
    const hour = new Date(r.hour).toISOString();
    const byStep = hours.get(hour) ?? new Map<string, HourRow>();
    hours.set(hour, byStep);
    const k = `${r.type}\u0000${r.step}`;
    const row = byStep.get(k) ?? { type: String(r.type), step: r.step, n: 0, failed: 0, hist: [] };
    row.n += r.n;
    row.failed += r.failed;
    row.hist.push([r.b, r.n]);
    byStep.set(k, row);
  }
  return [...hours].map(([hour, byStep]) => ({ hour, rows: [...byStep.values()] }));
}

/**
 * The per-hour histograms of [since, now): finished hours from ops_state (summed now when missing, e.g. the
 * first visit or after a quiet deploy), the unsettled last hour(s) read live.
 */
export async function hoursSince(
  db: Db,
  attempts: (fromIso: string, untilIso: string) => ReturnType<typeof sql>,
  since: Date,
  now: Date,
): Promise<HourRollup[]> {
  const settled = hourStart(new Date(now.getTime() - SETTLE_MS));
  const stored = settled > since ? await readHours(db, since, settled) : new Map<string, HourRollup>();
  const missing: Date[] = [];
  for (let t = since.getTime(); t < settled.getTime(); t += HOUR) {
    if (!stored.has(new Date(t).toISOString())) missing.push(new Date(t));
  }
  if (missing.length) {
    const made = await hourHistograms(db, attempts, missing[0]!, new Date(missing.at(-1)!.getTime() + HOUR));
    const fresh = made.filter((h) => !stored.has(h.hour));
    await saveHours(db, fresh, now);
    for (const h of fresh) stored.set(h.hour, h);
  }
  const live = settled < now ? await hourHistograms(db, attempts, settled > since ? settled : since, now) : [];
  return [...stored.values(), ...live];
}

async function readHours(db: Db, since: Date, until: Date): Promise<Map<string, HourRollup>> {
  const rows = await db
    .select({ value: opsState.value })
    .from(opsState)
    .where(and(gte(opsState.key, keyOf(since)), lt(opsState.key, keyOf(until)), like(opsState.key, `${KEY_PREFIX}%`)));
  return new Map(rows.map((r) => r.value as HourRollup).map((h) => [h.hour, h]));
}

/** Idempotent: two visitors summing the same hour write the same value. Old hours are dropped here too. */
async function saveHours(db: Db, hours: HourRollup[], now: Date) {
  for (let i = 0; i < hours.length; i += 200) {
    const slice = hours.slice(i, i + 200).map((h) => ({ key: keyOf(new Date(h.hour)), value: h, updatedAt: now }));
    await db
      .insert(opsState)
      .values(slice)
      .onConflictDoUpdate({ target: opsState.key, set: { value: sql`excluded.value`, updatedAt: now } });
  }
  await db
    .delete(opsState)
    .where(and(like(opsState.key, `${KEY_PREFIX}%`), lt(opsState.key, keyOf(new Date(now.getTime() - KEEP_MS)))));
}

/** A merged histogram: bucket → attempts. */
export type Histogram = Map<number, number>;

export function addHistogram(into: Histogram, pairs: Iterable<[number, number]>) {
  for (const [b, n] of pairs) into.set(b, (into.get(b) ?? 0) + n);
}

/** The p-th percentile (0–1) as the bucket's geometric middle (nearest rank). */
export function histogramPercentile(h: Histogram, p: number): number {
  const total = [...h.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b)!;
    if (seen >= rank) return b === 0 ? 0 : Math.round(RATIO ** (b - 0.5));
  }
  return 0;
}
