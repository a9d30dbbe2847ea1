// Crash: kill -9 the server in the middle of a load of signed app signups, restart it on the same database,
// and redeliver what was not answered (as a provider retries). Every event ends `succeeded` exactly once:
// one row, one contact per user, none lost. The suite runs on PostgreSQL (several instances may share it), so
// the sweeper re-drives rows the crash left `received` (older than 5 s) and `processing` once their lease ran
// out (no heartbeat for JOBS_STALE_AFTER_SECONDS; it sweeps every quarter of the lease). Recovery is measured
// from the restart until the last of them succeeded; the target is ≤ 30 s (RECOVERY_TARGET_MS).
import type { Context } from "./lib/context";
import { settle, statusCounts } from "./lib/db";
import { Checks, pool, seconds, sleep, type ScenarioResult } from "./lib/report";
import { hubspotView } from "./lib/sandbox-state";
import { deliver, signup, type Delivery } from "./lib/webhooks";
import { LEASE_SECONDS, SECRETS } from "./lib/config";

const CONCURRENCY = 16;
/** Everything acknowledged before the kill is in HubSpot within this long after the restart. */
const RECOVERY_TARGET_MS = 30_000;
/** The inline runner's sweep interval for the suite's lease (lib/jobs/inline.ts: a quarter, 1 to 15 s). */
const SWEEP_MS = Math.min(15_000, Math.max(1_000, Math.floor((LEASE_SECONDS * 1000) / 4)));

export async function crash(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Crash (kill -9)");
  const n = ctx.sizes.crashEvents;
  const p = `crash-${ctx.runId}-`;
  const events: Delivery[] = Array.from({ length: n }, (_, i) =>
    signup(`${p}${i}`, `${p}u${i}`, `${p}u${i}@crash.test`),
  );
  const opts = { secret: SECRETS.APP_WEBHOOK_SECRET };

  // Phase 1: load until `crashKillAfter` answers, then SIGKILL with requests in flight.
  const answered = new Set<string>();
  let killed: Promise<void> | undefined;
  let killedAt = 0;
  const loadStarted = Date.now();
  await pool(
    events,
    CONCURRENCY,
    async (d) => {
      const r = await deliver(ctx.server.url, d, opts);
      if (r.status >= 200 && r.status < 300) answered.add(d.id);
      if (!killed && answered.size >= ctx.sizes.crashKillAfter) {
        killedAt = Date.now();
        killed = ctx.server.kill9();
      }
    },
    () => killed !== undefined,
  );
  await killed;
  const loadMs = killedAt - loadStarted;
  const atKill = await statusCounts(ctx.sql, p);
  const storedUnanswered = atKill.total - answered.size;
  c.note(
    `killed after ${answered.size} answers in ${seconds(loadMs)} (${Math.round(answered.size / (loadMs / 1000))}/s); rows at the kill: ${atKill.total} ` +
      `(succeeded ${atKill.succeeded}, processing ${atKill.processing}, received ${atKill.received}, failed ${atKill.failed}); ${storedUnanswered} stored but never answered`,
  );
  c.check(
    atKill.processing + atKill.received > 0,
    `the kill left work for the sweeper (${atKill.processing} processing, ${atKill.received} received)`,
  );

  // Phase 2: restart on the same database; redeliver everything not answered 2xx.
  const orphans = await ctx.sql<
    { id: string }[]
  >`select id from events where external_id like ${`${p}%`} and status in ('received', 'processing')`;
  const orphanIds = orphans.map((o) => o.id);
  const restartStarted = Date.now();
  const readyMs = await ctx.server.start();
  const recovery = watchRecovery(ctx, orphanIds, restartStarted);
  const rest = events.filter((d) => !answered.has(d.id));
  const replies = await pool(rest, CONCURRENCY, (d) => deliver(ctx.server.url, d, opts));
  const redeliveredOk = replies.filter((r) => r && r.status === 200).length;
  const duplicates = replies.filter((r) => r?.json?.duplicate === true).length;
  c.equal(redeliveredOk, rest.length, "redeliveries answered 200 after the restart");
  c.equal(
    duplicates,
    storedUnanswered,
    "redeliveries recognised as duplicates (stored before the kill, never answered)",
  );

  await settle(ctx.sql, p, 240_000, n).catch((err: Error) => c.check(false, err.message));
  const recoveryMs = await recovery;
  const drainedMs = Date.now() - restartStarted;
  c.note(
    `restart ready in ${seconds(readyMs)}; ${orphanIds.length} orphaned rows re-driven by the sweeper in ${recoveryMs === undefined ? "(not all)" : seconds(recoveryMs)} after the restart (lease ${LEASE_SECONDS} s, heartbeat every ${seconds((LEASE_SECONDS * 1000) / 3)}, sweep every ${seconds(SWEEP_MS)}); all ${n} done ${seconds(drainedMs)} after the restart`,
  );
  c.check(recoveryMs !== undefined, "every orphaned row recovered");
  c.check(
    recoveryMs !== undefined && recoveryMs <= RECOVERY_TARGET_MS,
    `orphaned rows recovered ${recoveryMs === undefined ? "(not all)" : seconds(recoveryMs)} after the restart ≤ ${seconds(RECOVERY_TARGET_MS)}`,
  );

  const [timing] = await ctx.sql<{ p50: number; p95: number }[]>`
    select percentile_cont(0.5) within group (order by ms)::int as p50, percentile_cont(0.95) within group (order by ms)::int as p95
    from (select extract(epoch from (s.finished_at - s.started_at)) * 1000 as ms from event_steps s join events e on e.id = s.event_id
          where e.external_id like ${`${p}%`} and s.step = 'sync-crm' and s.finished_at is not null) t`;
  c.note(
    `pipeline after the restart: ${n - atKill.succeeded} events in ${seconds(drainedMs)} (${Math.round((n - atKill.succeeded) / (drainedMs / 1000))}/s); sync-crm step p50 ${timing!.p50} ms, p95 ${timing!.p95} ms`,
  );
  const final = await statusCounts(ctx.sql, p);
  c.equal(final.total, n, "rows (one per event)");
  c.equal(final.succeeded, n, "rows succeeded");
  const [steps] = await ctx.sql<{ bad: number; total: number }[]>`
    select count(*) filter (where s.status <> 'succeeded'
        and not (s.step = 'notify-app' and s.status = 'skipped'))::int as bad, count(*)::int as total
    from event_steps s join events e on e.id = s.event_id where e.external_id like ${`${p}%`}`;
  c.equal(
    [steps!.total, steps!.bad],
    [3 * n, 0],
    "step rows (resolve-identity, sync-crm, notify-app per event: a signup changes no entitlement, so notify-app is skipped) and those not done",
  );
  const [customers] = await ctx.sql<
    { n: number }[]
  >`select count(*)::int as n from customers where app_user_id like ${`${p}%`}`;
  c.equal(customers!.n, n, "customers");
  const [reclaimed] = await ctx.sql<
    { n: number }[]
  >`select count(*)::int as n from events where external_id like ${`${p}%`} and attempts > 1`;
  c.check(
    reclaimed!.n <= atKill.processing,
    `events claimed twice ${reclaimed!.n} ≤ processing at the kill ${atKill.processing}`,
  );

  const hub = await hubspotView(ctx.sandbox, p);
  c.equal(hub.contacts, n, "HubSpot contacts (one per app user)");
  c.equal(hub.duplicateContacts, 0, "duplicate HubSpot contacts");
  const writes = Object.values(hub.writesByEmail);
  const missing = n - writes.length;
  const repeated = writes.reduce((a, k) => a + Math.max(0, k - 1), 0);
  c.equal(missing, 0, "users never written to HubSpot (lost)");
  c.check(
    repeated <= atKill.processing,
    `repeated contact writes ${repeated} ≤ events processing at the kill ${atKill.processing} (a step cut between its write and its record is re-run; the upsert makes it harmless)`,
  );

  return c.result(
    `${n} events, killed at ${answered.size} answered (${atKill.processing} processing, ${atKill.received} received) → ${final.succeeded} succeeded, ${hub.contacts} contacts, ${hub.duplicateContacts} duplicates, recovery ${recoveryMs === undefined ? "incomplete" : seconds(recoveryMs)}`,
  );
}

/** Resolves with the time from `since` until every id has succeeded (undefined if that takes over 4 minutes). */
async function watchRecovery(ctx: Context, ids: string[], since: number): Promise<number | undefined> {
  if (ids.length === 0) return 0;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const [row] = await ctx.sql<
      { n: number }[]
    >`select count(*)::int as n from events where id in ${ctx.sql(ids)} and status <> 'succeeded'`;
    if (row!.n === 0) return Date.now() - since;
    await sleep(200);
  }
  return undefined;
}
