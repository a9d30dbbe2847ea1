// Console at scale: seeds events and customers straight into PostgreSQL, then times the list queries
// (p95 of repeated runs) and a console page's server time through `next start` with a session cookie.
import { sql as raw } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { openDb, rowsOf, type Db } from "../db";
import { listEvents } from "../db/queries/events";
import { getCustomerByAppUserId, listCustomers } from "../db/queries/customers";
import { createUserSession } from "../db/queries/user-sessions";
import { percentile, type Row } from "./lib/stats";

export async function seedScale(db: Db, events: number, customers: number) {
  await db.execute(raw`insert into customers (app_user_id, email, name, created_at)
    select 'scale_u' || g, 'scale_u' || g || '@example.com', 'Scale User ' || g, now() - (g || ' seconds')::interval from generate_series(1, ${customers}) g`);
  await db.execute(raw`insert into identities (customer_id, system, external_id, matched_by)
    select id, 'stripe', 'cus_scale' || substr(app_user_id, 8), 'id' from customers where app_user_id like 'scale_u%'`);
  await db.execute(raw`insert into identities (customer_id, system, external_id, matched_by)
    select id, 'hubspot', (100000000 + substr(app_user_id, 8)::int)::text, 'id' from customers where app_user_id like 'scale_u%'`);
  await db.execute(raw`insert into entitlements (customer_id, plan, status)
    select id, case when random() < 0.5 then 'pro' else 'team' end, (array['active','trialing','past_due','canceled'])[1 + floor(random() * 4)::int]::entitlement_status
    from customers where app_user_id like 'scale_u%'`);
  await db.execute(raw`insert into events (source, external_id, type, status, raw_body, correlation_id, customer_id, received_at, occurred_at)
    select case when g % 3 = 0 then 'app' else 'stripe' end::event_source,
           'scale_evt_' || g,
           (array['invoice.paid','invoice.payment_failed','checkout.session.completed','customer.subscription.updated','user.signed_up','support.requested'])[1 + g % 6],
           (case when g % 50 = 0 then 'failed' when g % 97 = 0 then 'ignored' else 'succeeded' end)::event_status,
           '{}', 'cor_scale_' || g,
           (select id from customers where app_user_id = 'scale_u' || (1 + g % ${customers})),
           now() - ((g * 2) || ' seconds')::interval, now() - ((g * 2) || ' seconds')::interval
    from generate_series(1, ${events}) g`);
  // A real table grows over months with autovacuum keeping its visibility map and statistics current; a
  // bulk load has neither until autovacuum gets to it. Vacuum once so the queries meet the steady state.
  await db.execute(raw`vacuum (analyze)`);
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  await fn();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export async function consoleAtScale(opts: {
  dbUrl: string;
  baseUrl: string;
  authSecret: string;
  adminEmail: string;
  events: number;
  customers: number;
  runs: number;
}): Promise<Row[]> {
  const handle = await openDb({ url: opts.dbUrl });
  const db = handle.db;
  const t0 = Date.now();
  await seedScale(db, opts.events, opts.customers);
  const seedSeconds = (Date.now() - t0) / 1000;
  const rows: Row[] = [
    {
      section: "console at scale",
      metric: `seeded ${opts.events.toLocaleString("en-US")} events, ${opts.customers.toLocaleString("en-US")} customers`,
      value: Number(seedSeconds.toFixed(1)),
      unit: "s",
    },
  ];
  const dayAgo = new Date(Date.now() - 86_400_000);
  const mid = Math.floor(opts.customers / 2);
  // 5% into the table (page 2,000 of 1,000,000 events), so the quick size asks for a page that exists too.
  const deepPage = Math.max(2, Math.round(opts.events / 25 / 20));
  const queries: Array<[string, () => Promise<unknown>]> = [
    [
      "events: failed invoice.paid, last 24 h, page 1",
      () => listEvents(db, { status: "failed", type: "invoice.paid", from: dayAgo, page: 1, perPage: 25 }),
    ],
    ["events: all, newest first, page 1", () => listEvents(db, { page: 1, perPage: 25 })],
    [
      `events: all, deep page (page ${deepPage.toLocaleString("en-US")})`,
      () => listEvents(db, { page: deepPage, perPage: 25 }),
    ],
    ["customers: search by email", () => listCustomers(db, { q: `scale_u${mid}@example.com`, perPage: 25 })],
    ["customers: search by Stripe id", () => listCustomers(db, { q: `cus_scale${mid}`, perPage: 25 })],
    ["customer detail", () => getCustomerByAppUserId(db, `scale_u${mid}`)],
    ["events of one customer", () => listEvents(db, { customer: `scale_u${mid}`, perPage: 25 })],
  ];
  for (const [name, fn] of queries) {
    const { p50, p95 } = await time(opts.runs, fn);
    rows.push({
      section: "console at scale",
      metric: `${name} (query p50 / p95)`,
      value: `${p50.toFixed(1)} / ${p95.toFixed(1)}`,
      unit: "ms",
      target: "p95 ≤ 50 ms",
      ok: p95 <= 50,
    });
  }
  const [owner] = await rowsOf<{ id: string }>(
    db.execute(raw`select id from users where lower(email) = ${opts.adminEmail.toLowerCase()}`),
  );
  // A real session row, as sign-in makes one: sessions are checked server-side.
  const session = await createUserSession(db, { userId: owner!.id, userAgent: "bench" });
  await handle.close();
  const token = await encode({
    token: { sub: owner!.id, uid: owner!.id, sid: session.id },
    secret: opts.authSecret,
    salt: "authjs.session-token",
  });
  const pages: Array<[string, string]> = [
    ["page /events?status=failed&type=invoice.paid", "/events?status=failed&type=invoice.paid"],
    ["page /customers?q=<email>", `/customers?q=scale_u${mid}%40example.com`],
    ["page /customers/<id>", `/customers/scale_u${mid}`],
  ];
  for (const [name, path] of pages) {
    const { p50, p95 } = await time(opts.runs, async () => {
      const res = await fetch(`${opts.baseUrl}${path}`, {
        headers: { cookie: `authjs.session-token=${token}` },
        redirect: "manual",
      });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.text();
    });
    rows.push({
      section: "console at scale",
      metric: `${name} (server p50 / p95)`,
      value: `${p50.toFixed(0)} / ${p95.toFixed(0)}`,
      unit: "ms",
      target: "p95 ≤ 300 ms",
      ok: p95 <= 300,
    });
  }
  return rows;
}
