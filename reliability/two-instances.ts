// Two instances: a second server on the same PostgreSQL beside the main one (inline jobs on both, as two
// instances behind a load balancer). Each customer's signup and profile updates go, in order, to either
// instance at random, with some Stripe checkouts; halfway through one instance is killed -9 (what it was
// answering fails over to the other, as a load balancer retries) and restarted. Every event is processed
// once, HubSpot holds one contact per user with the newest name and email, nothing is left unfinished, and
// no two events of one customer ran at the same time (the claim keeps each customer's events in order).
// Then a bulk replay started on one instance, which is killed right after answering 202: the replay is in the
// database, so the other instance's sweeper finishes it and its GET /api/admin/replays/:id says so.
import path from "node:path";
import * as control from "../sandbox/client";
import { SECRETS } from "./lib/config";
import type { Context } from "./lib/context";
import { settle, statusCounts } from "./lib/db";
import { Checks, pool, seconds, sleep, type ScenarioResult } from "./lib/report";
import { hubspotView } from "./lib/sandbox-state";
import { AppServer, freePort } from "./lib/server";
import {
  appEvent,
  checkoutCompleted,
  deliver,
  type Delivery,
  type Reply,
  seedSubscription,
  send,
  signup,
} from "./lib/webhooks";

const CONCURRENCY = 16;
const SETTLE_MS = 240_000;

type User = { userId: string; email: string; finalEmail: string; finalName: string; deliveries: Delivery[] };

/** A customer's signup then `updates` profile changes, each newer (`created`) than the one before. */
function userEvents(p: string, i: number, updates: number, base: number): User {
  const userId = `${p}u${i}`;
  const email = `${p}u${i}@two.test`;
  const at = (k: number) => new Date(base + k * 1000).toISOString();
  const deliveries: Delivery[] = [
    appEvent(`${p}signup-${i}`, "user.signed_up", { userId, email, name: `User${i} Signup` }, at(0)),
  ];
  let finalEmail = email;
  let finalName = `User${i} Signup`;
  for (let k = 1; k <= updates; k++) {
    finalName = `User${i} Update${k}`;
    // Every other customer also changes email on the last update: the newest email must win too.
    if (k === updates && i % 2 === 0) finalEmail = `${p}u${i}-new@two.test`;
    deliveries.push(
      appEvent(`${p}update-${i}-${k}`, "user.updated", { userId, name: finalName, email: finalEmail }, at(k)),
    );
  }
  return { userId, email, finalEmail, finalName, deliveries };
}

const secretOf = (d: Delivery) => (d.route === "app" ? SECRETS.APP_WEBHOOK_SECRET : SECRETS.STRIPE_WEBHOOK_SECRET);
const ok = (r: Reply | undefined) => r !== undefined && r.status >= 200 && r.status < 300;

export async function twoInstances(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Two instances");
  const a = ctx.server;
  const b = new AppServer(await freePort(), ctx.serverEnv, path.join(ctx.logDir, "server-b.log"));
  try {
    const readyB = await b.start();
    c.note(`second instance ready in ${seconds(readyB)} on ${b.url} (first on ${a.url}), one PostgreSQL`);
    const load = await spreadLoad(ctx, c, a, b);
    if (!b.running) await b.start();
    const replay = await replayAcrossCrash(ctx, c, a, b);
    return c.result(`${load}; ${replay}`);
  } finally {
    await b.stop().catch(() => {});
    ctx.sandbox.hubspot.faults.clear();
  }
}

/** Phase 1: signups, profile updates and checkouts over both instances; B killed -9 halfway and restarted. */
async function spreadLoad(ctx: Context, c: Checks, a: AppServer, b: AppServer): Promise<string> {
  const { twoUsers: n, twoUpdates: updates, twoCheckouts: nCheckouts } = ctx.sizes;
  const p = `two-${ctx.runId}-`;
  const base = Date.now() - 120_000;
  const users = Array.from({ length: n }, (_, i) => userEvents(p, i, updates, base));
  const checkouts = users.slice(0, nCheckouts).map((u, i) => ({
    ...u,
    cus: `cus_two${ctx.runId}x${i}`,
    sub: `sub_two${ctx.runId}x${i}`,
  }));
  await control.seed(
    ctx.sandbox.stripe,
    checkouts.flatMap((u) => seedSubscription(u.userId, u.email, u.cus, u.sub)),
  );
  // A checkout joins its customer's sequence after the signup (Stripe's own order is independent of the app's).
  for (const [i, u] of checkouts.entries())
    u.deliveries.splice(1, 0, checkoutCompleted(`evt_${p}checkout-${i}`, u.userId, u.email, u.cus, u.sub));
  const total = users.reduce((s, u) => s + u.deliveries.length, 0);

  let answered = 0;
  let failedOver = 0;
  let killedAt = 0;
  let restartedAt = 0;
  let restartReadyMs = 0;
  let orphanIds: string[] = [];
  let restart: Promise<void> | undefined;
  const started = Date.now();
  const perInstance = { a: 0, b: 0 };
  const sendOne = async (d: Delivery): Promise<void> => {
    // The load balancer's pick; a request cut by the kill (or sent to the dead instance) goes to the other.
    const pickB = Math.random() < 0.5 && b.running;
    let r = await deliver((pickB ? b : a).url, d, { secret: secretOf(d) });
    let by: "a" | "b" = pickB ? "b" : "a";
    if (!ok(r) && pickB) {
      failedOver++;
      by = "a";
      r = await deliver(a.url, d, { secret: secretOf(d) });
    }
    if (!ok(r)) throw new Error(`${d.id} not answered 2xx: ${r.status} ${r.error ?? r.text.slice(0, 120)}`);
    perInstance[by]++;
    answered++;
    if (!killedAt && answered >= total / 2) {
      killedAt = Date.now();
      restart = (async () => {
        await b.kill9();
        const rows = await ctx.sql<{ id: string }[]>`select id from events
          where (external_id like ${`${p}%`} or external_id like ${`evt_${p}%`}) and status in ('received', 'processing')`;
        orphanIds = rows.map((row) => row.id);
        await sleep(2_000); // down for a moment, as a crashed instance is before its supervisor restarts it
        restartedAt = Date.now();
        restartReadyMs = await b.start();
      })();
    }
  };
  // Each customer's events in order (the app sends them one after the other), customers concurrently.
  const errors: string[] = [];
  await pool(users, CONCURRENCY, async (u) => {
    for (const d of u.deliveries) await sendOne(d).catch((err: Error) => void errors.push(err.message));
  });
  const loadMs = Date.now() - started;
  await restart;
  c.equal(errors.slice(0, 3), [], `deliveries not answered 2xx by either instance (of ${total})`);
  c.note(
    `${total} deliveries (${n} customers: signup + ${updates} updates, ${nCheckouts} checkouts) in ${seconds(loadMs)} (${Math.round(total / (loadMs / 1000))}/s); ` +
      `${perInstance.b} answered by the second instance; killed -9 after ${Math.round(total / 2)} answers, ${failedOver} failed over, restarted in ${seconds(restartReadyMs)}; ${orphanIds.length} rows unfinished at the kill`,
  );

  const prefixes = [p, `evt_${p}`];
  await Promise.all(prefixes.map((x) => settle(ctx.sql, x, SETTLE_MS))).catch((err: Error) =>
    c.check(false, err.message),
  );
  const drainedMs = Date.now() - (restartedAt || started);
  c.note(
    `all settled ${seconds(drainedMs)} after the restart (${seconds(Date.now() - started)} after the first delivery)`,
  );
  const [apps, stripes] = await Promise.all(prefixes.map((x) => statusCounts(ctx.sql, x)));
  const rows = apps!.total + stripes!.total;
  c.equal(rows, total, "event rows (one per delivery, none twice)");
  c.equal(apps!.succeeded + stripes!.succeeded, total, "events succeeded");
  const [reclaimed] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from events
    where (external_id like ${`${p}%`} or external_id like ${`evt_${p}%`}) and attempts > 1`;
  c.check(
    reclaimed!.n <= orphanIds.length,
    `events claimed more than once ${reclaimed!.n} ≤ unfinished at the kill ${orphanIds.length}`,
  );
  const [customers] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from customers
    where app_user_id like ${`${p}%`}`;
  c.equal(customers!.n, n, "customers (one per app user)");

  const hub = await hubspotView(ctx.sandbox, p);
  c.equal(hub.contacts, n, "HubSpot contacts (one per app user)");
  c.equal(hub.duplicateContacts, 0, "duplicate HubSpot contacts");
  const stale: string[] = [];
  for (const u of users) {
    const props = hub.byAppUserId.get(u.userId);
    const name = props ? `${props.firstname ?? ""} ${props.lastname ?? ""}`.trim() : "(no contact)";
    if (!props || props.email !== u.finalEmail || name !== u.finalName)
      stale.push(`${u.userId}: HubSpot has ${name} <${props?.email}>, newest is ${u.finalName} <${u.finalEmail}>`);
  }
  c.equal(stale.length, 0, "customers whose HubSpot contact is not their newest name and email");
  for (const line of stale.slice(0, 5)) c.note(`stale: ${line}`);
  const paid = checkouts.filter((u) => hub.byAppUserId.get(u.userId)?.app_billing_status !== "active");
  c.equal(paid.length, 0, `checkout customers not active in HubSpot (of ${checkouts.length})`);
  // Same customer, two instances: one customer's events run one at a time across instances (the claim waits
  // for an earlier event of the customer), so no two of one customer's events ran at once: neither their
  // HubSpot writes nor their whole runs (first step's start to last step's end).
  const [overlaps] = await ctx.sql<{ n: number }[]>`
    select count(*)::int as n from event_steps s1 join events e1 on e1.id = s1.event_id
    join event_steps s2 on s2.step = s1.step and s2.event_id <> s1.event_id
    join events e2 on e2.id = s2.event_id and e2.customer_id = e1.customer_id and e2.id > e1.id
    where e1.external_id like ${`${p}%`} and s1.step = 'sync-crm'
      and s1.started_at < s2.finished_at and s2.started_at < s1.finished_at`;
  c.equal(overlaps!.n, 0, "same-customer sync-crm steps that overlapped in time (on both instances at once)");
  const [runs] = await ctx.sql<{ n: number }[]>`
    with run as (
      select e.id, e.customer_id, min(s.started_at) as started, max(s.finished_at) as finished
      from events e join event_steps s on s.event_id = e.id
      where (e.external_id like ${`${p}%`} or e.external_id like ${`evt_${p}%`}) and e.customer_id is not null
      group by e.id, e.customer_id
    )
    select count(*)::int as n from run r1 join run r2 on r2.customer_id = r1.customer_id and r2.id > r1.id
    where r1.started < r2.finished and r2.started < r1.finished`;
  c.equal(runs!.n, 0, "pairs of one customer's events that ran at the same time");
  return `${n} customers, ${total} events over 2 instances, one killed -9 → ${apps!.succeeded + stripes!.succeeded} succeeded, ${hub.contacts} contacts, ${hub.duplicateContacts} duplicates, ${stale.length} stale`;
}

/**
 * Phase 2: failed events bulk-replayed through instance B, which is killed -9 right after its 202. A reads
 * the replay from the database and its sweeper finishes the events.
 */
async function replayAcrossCrash(ctx: Context, c: Checks, a: AppServer, b: AppServer): Promise<string> {
  const f = ctx.sizes.twoReplay;
  const p = `tworeplay-${ctx.runId}-`;
  const auth = { authorization: `Bearer ${SECRETS.ADMIN_API_TOKEN}` };
  ctx.sandbox.hubspot.faults.add({ path: "/crm/v3/objects/contacts", status: 400, times: "always" });
  const deliveries = Array.from({ length: f }, (_, i) => signup(`${p}${i}`, `${p}u${i}`, `${p}u${i}@two.test`));
  await pool(deliveries, 8, (d) => deliver(a.url, d, { secret: SECRETS.APP_WEBHOOK_SECRET }));
  await settle(ctx.sql, p, SETTLE_MS, f).catch((err: Error) => c.check(false, err.message));
  const failed = await ctx.sql<
    { id: string }[]
  >`select id from events where external_id like ${`${p}%`} and status = 'failed'`;
  c.equal(failed.length, f, "events failed (HubSpot refusing) before the bulk replay");
  ctx.sandbox.hubspot.faults.clear();
  // A slow HubSpot, so the replay is still running when its instance dies.
  ctx.sandbox.hubspot.faults.add({
    kind: "latency",
    latencyMs: 300,
    path: "/crm/v3/objects/contacts",
    times: "always",
  });

  const started = Date.now();
  const res = await send(`${b.url}/api/admin/events/replay`, {
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ ids: failed.map((r) => r.id) }),
  });
  await b.kill9();
  const replayId = typeof res.json?.replayId === "string" ? res.json.replayId : "";
  c.equal([res.status, res.json?.queued, Boolean(replayId)], [202, f, true], "bulk replay on B: status, queued, id");

  let progress: Record<string, unknown> | undefined;
  let first: Record<string, unknown> | undefined;
  const deadline = Date.now() + SETTLE_MS;
  while (replayId && Date.now() < deadline) {
    const r = await fetch(`${a.url}/api/admin/replays/${replayId}`, { headers: auth });
    progress = (await r.json()) as Record<string, unknown>;
    first ??= progress;
    if (progress.status === "finished") break;
    await sleep(250);
  }
  ctx.sandbox.hubspot.faults.clear();
  const tookMs = Date.now() - started;
  c.note(
    `B killed right after its 202; A read the replay from the database (first seen: ${first?.done ?? "?"} of ${f} done, status ${first?.status ?? "?"}); finished ${seconds(tookMs)} after the replay was asked`,
  );
  c.equal(
    progress && [progress.status, progress.total, progress.succeeded, progress.failed, progress.pending],
    ["finished", f, f, 0, 0],
    "the replay's progress on the other instance: status, total, succeeded, failed, pending",
  );
  const hub = await hubspotView(ctx.sandbox, p);
  c.equal([hub.contacts, hub.duplicateContacts], [f, 0], "replayed customers' HubSpot contacts, duplicates");
  return `bulk replay of ${f} survived its instance's kill (${seconds(tookMs)})`;
}
