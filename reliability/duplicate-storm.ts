// Duplicate storm: every event delivered N times at once (a provider retrying while the first delivery is
// still in flight). One row per event, one contact per user, one ticket per support request, and no
// sandbox write repeated. Support requests also arrive under two event ids with one requestId (the
// phone's offline retry): one ticket, one reference for all of them.
import * as control from "../sandbox/client";
import type { Context } from "./lib/context";
import { settle, statusCounts } from "./lib/db";
import { Checks, pool, type ScenarioResult } from "./lib/report";
import { hubspotView, requestCounts, zendeskView } from "./lib/sandbox-state";
import {
  checkoutCompleted,
  deliver,
  seedSubscription,
  signup,
  supportRequest,
  type Delivery,
  type Reply,
} from "./lib/webhooks";
import { SECRETS } from "./lib/config";

export async function duplicateStorm(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Duplicate storm");
  const copies = ctx.sizes.duplicateCopies;
  const n = ctx.sizes.duplicateEvents;
  const extra = Math.max(2, Math.round(n / 5)); // support requests and checkouts, each
  const p = `dup-${ctx.runId}-`;
  const user = (i: number) => ({ userId: `${p}u${i}`, email: `${p}u${i}@storm.test` });
  const started = Date.now();

  const signups = Array.from({ length: n }, (_, i) => signup(`${p}signup-${i}`, user(i).userId, user(i).email));
  // Checkouts for the first users (their contact is written twice: once per distinct event).
  const checkoutUsers = Array.from({ length: extra }, (_, i) => ({
    ...user(i),
    cus: `cus_dup${ctx.runId}x${i}`,
    sub: `sub_dup${ctx.runId}x${i}`,
  }));
  await control.seed(
    ctx.sandbox.stripe,
    checkoutUsers.flatMap((u) => seedSubscription(u.userId, u.email, u.cus, u.sub)),
  );
  const checkouts = checkoutUsers.map((u, i) =>
    checkoutCompleted(`evt_${p}checkout-${i}`, u.userId, u.email, u.cus, u.sub),
  );
  // Support requests from other users: each requestId under two event ids (offline retry), each delivered N times.
  const supportUsers = Array.from({ length: extra }, (_, i) => ({ ...user(n - 1 - i), requestId: `${p}req-${i}` }));
  const supports = supportUsers.flatMap((u, i) =>
    [0, 1].map((k) => supportRequest(`${p}support-${i}-${k}`, u.requestId, u.userId, u.email)),
  );

  const all: Delivery[] = [...signups, ...checkouts, ...supports];
  const secretOf = (d: Delivery) => (d.route === "app" ? SECRETS.APP_WEBHOOK_SECRET : SECRETS.STRIPE_WEBHOOK_SECRET);
  // Ten events at a time, all copies of one event at once: ~copies × 10 requests in flight.
  const replies = await pool(all, 10, (d) =>
    Promise.all(Array.from({ length: copies }, () => deliver(ctx.server.url, d, { secret: secretOf(d) }))),
  );
  const answered = replies.flat() as Reply[];
  const deliveries = answered.length;
  const non200 = answered.filter((r) => r.status !== 200);
  c.equal(non200.length, 0, `non-200 answers out of ${deliveries} deliveries`);
  if (non200[0]) c.note(`first non-200: ${non200[0].status} ${non200[0].error ?? non200[0].text.slice(0, 200)}`);
  const firstDeliveries = replies.map(
    (group) => (group ?? []).filter((r) => r.status === 200 && !r.json?.duplicate).length,
  );
  c.check(
    firstDeliveries.every((k) => k === 1),
    `each event answered as new exactly once, duplicate:true for the other ${copies - 1} copies`,
  );
  const rowIds = replies.map((group) => new Set((group ?? []).map((r) => r.json?.id)).size);
  c.check(
    rowIds.every((k) => k === 1),
    "all copies of an event answer the same row id",
  );

  // One reference per requestId, across both event ids and all copies.
  const refsByRequest = new Map<string, Set<string>>();
  supports.forEach((_d, i) => {
    const requestId = supportUsers[Math.floor(i / 2)]!.requestId;
    const set = refsByRequest.get(requestId) ?? new Set();
    for (const r of replies[signups.length + checkouts.length + i] ?? []) set.add(String(r.json?.reference));
    refsByRequest.set(requestId, set);
  });
  c.check(
    [...refsByRequest.values()].every((s) => s.size === 1 && [...s][0]!.startsWith("SUP-")),
    `one SUP- reference per requestId over ${2 * copies} deliveries each`,
  );

  const waited = await Promise.all([settle(ctx.sql, p, 120_000), settle(ctx.sql, `evt_${p}`, 120_000)])
    .then(([a, b]) => Math.max(a, b))
    .catch((err: Error) => {
      c.check(false, err.message);
      return 0;
    });
  const counts = await statusCounts(ctx.sql, p);
  const appRows = await statusCounts(ctx.sql, `${p}signup-`);
  c.equal(appRows.total, n, "rows for the signups");
  const stripeRows = await statusCounts(ctx.sql, `evt_${p}`);
  const expectedRows = n + extra + 2 * extra;
  c.equal(
    counts.total + stripeRows.total,
    expectedRows,
    `rows in all (${n} signups + ${extra} checkouts + ${2 * extra} support events)`,
  );
  c.equal(counts.succeeded + stripeRows.succeeded, expectedRows, "rows succeeded");
  c.note(`drained ${Math.round(waited / 100) / 10} s after the last delivery`);

  const hub = await hubspotView(ctx.sandbox, p);
  c.equal(hub.contacts, n, "HubSpot contacts");
  c.equal(hub.duplicateContacts, 0, "duplicate HubSpot contacts");
  const checkoutEmails = new Set(checkoutUsers.map((u) => u.email));
  const wrongWrites = Array.from({ length: n }, (_, i) => user(i).email).filter(
    (email) => (hub.writesByEmail[email] ?? 0) !== (checkoutEmails.has(email) ? 2 : 1),
  );
  c.equal(wrongWrites.length, 0, "contacts written other than once per distinct event (1, or 2 with a checkout)");
  const active = [...checkoutUsers].filter(
    (u) => hub.byAppUserId.get(u.userId)?.app_billing_status === "active",
  ).length;
  c.equal(active, extra, "contacts of the checkout customers with billing status active");

  const references = new Set([...refsByRequest.values()].map((s) => [...s][0]!));
  const zen = await zendeskView(ctx.sandbox, references, p);
  c.equal(zen.tickets, extra, "Zendesk tickets");
  c.equal(zen.duplicateTickets, 0, "duplicate Zendesk tickets");
  c.equal(zen.duplicateRequesters, 0, "duplicate Zendesk requesters");
  c.equal(
    Object.values(zen.createRequestsByKey).filter((k) => k !== 1).length,
    0,
    "ticket creates sent other than once",
  );
  const calls = requestCounts(ctx.sandbox, started);
  c.note(
    `sandbox calls: HubSpot ${calls.hubspot.total}, Zendesk ${calls.zendesk.total}, Stripe ${calls.stripe.total} (Stripe writes ${calls.stripe.writes})`,
  );
  c.equal(calls.stripe.writes, 0, "writes to Stripe (the pipeline only reads it)");

  return c.result(
    `${all.length} events × ${copies} = ${deliveries} deliveries → ${counts.total + stripeRows.total} rows, ${hub.contacts} contacts, ${zen.tickets} tickets, ${hub.duplicateContacts + zen.duplicateTickets} duplicates`,
  );
}
