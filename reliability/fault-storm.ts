// Fault storm: each sandbox (HubSpot, Zendesk, Stripe) fails ~30% of calls with 429 + Retry-After, 500/502/503,
// a reset after the write (the answer is lost) and a hang after the write (the client times out). Every
// event must succeed in the end — by the pipeline's own retries, or by a bulk replay of what exhausted them
// (POST /api/admin/events/replay with the API token, faults still on) — with zero duplicate objects.
import * as control from "../sandbox/client";
import type { FaultSpec } from "../sandbox";
import type { Context } from "./lib/context";
import { settle, statusCounts } from "./lib/db";
import { Checks, pool, type ScenarioResult } from "./lib/report";
import { hubspotView, requestCounts, zendeskView } from "./lib/sandbox-state";
import {
  checkoutCompleted,
  deliver,
  seedSubscription,
  send,
  signup,
  supportRequest,
  type Delivery,
} from "./lib/webhooks";
import { SECRETS } from "./lib/config";

/** Shares of all calls; 30% in all. */
const MIX: { share: number; spec: FaultSpec }[] = [
  { share: 0.1, spec: { status: 429, retryAfter: 1 } },
  { share: 0.04, spec: { status: 500 } },
  { share: 0.03, spec: { status: 502 } },
  { share: 0.03, spec: { status: 503 } },
  { share: 0.05, spec: { kind: "reset", process: true } },
  { share: 0.05, spec: { kind: "hang", process: true } },
];

/** Faults are drawn in queue order, so each one's probability is its share of what the earlier ones left. */
export function stormFaults(): FaultSpec[] {
  let left = 1;
  return MIX.map(({ share, spec }) => {
    const probability = share / left;
    left -= share;
    return { ...spec, probability, times: "always" as const };
  });
}

const MAX_REPLAY_ROUNDS = 5;

export async function faultStorm(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Fault storm");
  const { faultSignups: nSignups, faultSupport: nSupport, faultCheckouts: nCheckouts } = ctx.sizes;
  const p = `storm-${ctx.runId}-`;
  const user = (i: number) => ({ userId: `${p}u${i}`, email: `${p}u${i}@storm.test` });

  const checkoutUsers = Array.from({ length: nCheckouts }, (_, i) => ({
    ...user(i),
    cus: `cus_storm${ctx.runId}x${i}`,
    sub: `sub_storm${ctx.runId}x${i}`,
  }));
  await control.seed(
    ctx.sandbox.stripe,
    checkoutUsers.flatMap((u) => seedSubscription(u.userId, u.email, u.cus, u.sub)),
  );
  const supportUsers = Array.from({ length: nSupport }, (_, i) => ({
    ...user(nSignups - 1 - i),
    requestId: `${p}req-${i}`,
  }));
  const deliveries: Delivery[] = [
    ...Array.from({ length: nSignups }, (_, i) => signup(`${p}signup-${i}`, user(i).userId, user(i).email)),
    ...checkoutUsers.map((u, i) => checkoutCompleted(`evt_${p}checkout-${i}`, u.userId, u.email, u.cus, u.sub)),
    ...supportUsers.map((u, i) => supportRequest(`${p}support-${i}`, u.requestId, u.userId, u.email)),
  ];

  const started = Date.now();
  for (const server of [ctx.sandbox.hubspot, ctx.sandbox.zendesk, ctx.sandbox.stripe])
    await control.fault(server, stormFaults());
  try {
    const replies = await pool(deliveries, 8, (d) =>
      deliver(ctx.server.url, d, {
        secret: d.route === "app" ? SECRETS.APP_WEBHOOK_SECRET : SECRETS.STRIPE_WEBHOOK_SECRET,
      }),
    );
    c.equal(
      replies.filter((r) => r?.status !== 200).length,
      0,
      `webhooks not answered 200 (of ${deliveries.length}; ingest is not faulted)`,
    );
    const references = new Set(
      replies.map((r) => r?.json?.reference).filter((x): x is string => typeof x === "string"),
    );

    const prefixes = [p, `evt_${p}`];
    const settleAll = () => Promise.all(prefixes.map((x) => settle(ctx.sql, x, 300_000)));
    await settleAll();
    const drainedMs = Date.now() - started;
    const firstPass = await counts(ctx, prefixes);
    c.note(
      `first pass (pipeline retries only): ${firstPass.succeeded} succeeded, ${firstPass.failed} failed after exhausting retries, in ${(drainedMs / 1000).toFixed(1)} s`,
    );

    // Replay what exhausted its retries, while the storm goes on.
    let rounds = 0;
    const replayed: string[] = [];
    for (
      let failed = await failedIds(ctx, prefixes);
      failed.length && rounds < MAX_REPLAY_ROUNDS;
      failed = await failedIds(ctx, prefixes)
    ) {
      rounds += 1;
      replayed.push(...failed);
      const reasons = await ctx.sql<
        { last_error: string | null }[]
      >`select last_error from events where id in ${ctx.sql(failed)} limit 3`;
      for (const r of reasons)
        c.note(`exhausted its retries: ${(r.last_error ?? "").replace(/\s+/g, " ").slice(0, 150)}`);
      const replayedAt = new Date();
      const res = await send(`${ctx.server.url}/api/admin/events/replay`, {
        headers: { authorization: `Bearer ${SECRETS.ADMIN_API_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ ids: failed }),
      });
      c.equal([res.status, res.json?.queued], [202, failed.length], `bulk replay round ${rounds}: status and queued`);
      // 202 means queued: until the runner claims them the events still read `failed`, so "nothing
      // received or processing" is not enough; wait until each has finished again since the replay.
      await finishedSince(ctx, failed, replayedAt, 300_000);
      await settleAll();
    }
    const final = await counts(ctx, prefixes);
    c.equal(
      final.succeeded,
      deliveries.length,
      `events succeeded in the end${rounds ? ` (after ${rounds} replay round${rounds === 1 ? "" : "s"} of ${replayed.length} event${replayed.length === 1 ? "" : "s"})` : " (no replay needed)"}`,
    );

    const calls = requestCounts(ctx.sandbox, started);
    for (const [name, k] of Object.entries(calls))
      c.note(
        `${name}: ${k.total} calls, ${k.faulted} faulted (${k.total ? Math.round((100 * k.faulted) / k.total) : 0}%)`,
      );
    const totalCalls = calls.hubspot.total + calls.zendesk.total + calls.stripe.total;
    const faulted = calls.hubspot.faulted + calls.zendesk.faulted + calls.stripe.faulted;
    // The storm must really have blown: at most 4 standard deviations under the 30% aimed at.
    const floor = 0.3 - 4 * Math.sqrt((0.3 * 0.7) / Math.max(1, totalCalls));
    c.check(
      faulted / Math.max(1, totalCalls) >= floor,
      `share of faulted calls ${Math.round((100 * faulted) / Math.max(1, totalCalls))}% (aimed at 30%, at least ${Math.round(100 * floor)}% for ${totalCalls} calls)`,
    );

    const hub = await hubspotView(ctx.sandbox, p);
    c.equal(hub.contacts, nSignups, "HubSpot contacts (one per user)");
    c.equal(hub.duplicateContacts, 0, "duplicate HubSpot contacts");
    const active = checkoutUsers.filter((u) => hub.byAppUserId.get(u.userId)?.app_billing_status === "active").length;
    c.equal(active, nCheckouts, "contacts of the checkout customers with billing status active");
    const expectedWrites = nSignups + nCheckouts;
    const writes = Object.values(hub.writesByEmail).reduce((a, b) => a + b, 0);
    c.note(
      `HubSpot contact writes ${writes} for ${expectedWrites} distinct syncs: ${writes - expectedWrites} repeated idempotent upserts (answers lost to resets/hangs, or retried)`,
    );

    const zen = await zendeskView(ctx.sandbox, references, p);
    c.equal(references.size, nSupport, "ticket references answered to the app");
    c.equal(zen.tickets, nSupport, "Zendesk tickets (one per request)");
    c.equal(zen.duplicateTickets, 0, "duplicate Zendesk tickets");
    c.equal(zen.duplicateRequesters, 0, "duplicate Zendesk requesters");
    const creates = Object.values(zen.createRequestsByKey).reduce((a, b) => a + b, 0);
    c.note(`Zendesk ticket creates sent ${creates} for ${nSupport} tickets (repeats carry the same Idempotency-Key)`);
    const [tickets] = await ctx.sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct zendesk_ticket_id)::int as distinct from support_tickets
      where request_id like ${`${p}%`} and zendesk_ticket_id is not null`;
    c.equal(
      [tickets!.n, tickets!.distinct],
      [nSupport, nSupport],
      "support_tickets linked to a Zendesk ticket (rows, distinct ids)",
    );
    const [ent] = await ctx.sql<{ n: number }[]>`
      select count(*)::int as n from entitlements en join customers cu on cu.id = en.customer_id
      where cu.app_user_id like ${`${p}%`} and en.status = 'active'`;
    c.equal(ent!.n, nCheckouts, "active entitlements");
    c.equal(calls.stripe.writes, 0, "writes to Stripe");

    return c.result(
      `${deliveries.length} events, ${totalCalls} calls, ${faulted} faulted → ${final.succeeded} succeeded (${firstPass.failed} by replay), ${hub.duplicateContacts + zen.duplicateTickets + zen.duplicateRequesters} duplicates`,
    );
  } finally {
    for (const server of [ctx.sandbox.hubspot, ctx.sandbox.zendesk, ctx.sandbox.stripe]) server.faults.clear();
  }
}

async function counts(ctx: Context, prefixes: string[]) {
  const all = await Promise.all(prefixes.map((x) => statusCounts(ctx.sql, x)));
  return { succeeded: all.reduce((n, c) => n + c.succeeded, 0), failed: all.reduce((n, c) => n + c.failed, 0) };
}

async function finishedSince(ctx: Context, ids: string[], since: Date, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await ctx.sql<
      { n: number }[]
    >`select count(*)::int as n from events where id in ${ctx.sql(ids)} and (processed_at is null or processed_at < ${since.toISOString()}::timestamptz or status in ('received', 'processing'))`;
    if (row!.n === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${row!.n} replayed events did not finish within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function failedIds(ctx: Context, prefixes: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const prefix of prefixes) {
    const rows = await ctx.sql<
      { id: string }[]
    >`select id from events where status = 'failed' and external_id like ${`${prefix}%`}`;
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}
