// The app's read API at scale: seeds customers with entitlements, some support tickets and some open payment
// alerts straight into PostgreSQL (set-based), then times GET /api/app/customers/:appUserId through
// `next start` for random users, one at a time and with a few concurrent callers (the app's backend fanning
// out). The route is rate-limited per token (APP_API_PER_MINUTE a minute, one window): the scenario stays
// under it instead of lifting the limit, and refuses to report figures if a 429 slipped in.
import { sql as raw } from "drizzle-orm";
import { openDb, type Db } from "../db";
import { appCustomerView } from "../db/queries/app-view";
import { APP_API_PER_MINUTE } from "../lib/auth/rate-limit";
import { percentile, type Row } from "./lib/stats";

const PREFIX = "appread_u";

export async function seedAppRead(db: Db, customers: number) {
  await db.execute(raw`insert into customers (app_user_id, email, name, email_verified, created_at)
    select ${PREFIX} || g, ${PREFIX} || g || '@example.com', 'App Reader ' || g, true, now() - (g || ' seconds')::interval
    from generate_series(1, ${customers}) g`);
  await db.execute(raw`insert into identities (customer_id, system, external_id, matched_by)
    select id, 'app', app_user_id, 'id' from customers where app_user_id like ${`${PREFIX}%`}`);
  await db.execute(raw`insert into identities (customer_id, system, external_id, matched_by)
    select id, 'stripe', 'cus_appread' || substr(app_user_id, ${PREFIX.length + 1}), 'id'
    from customers where app_user_id like ${`${PREFIX}%`}`);
  // Every customer has an entitlement; one in ten is past_due (with an open payment alert below).
  await db.execute(raw`insert into entitlements (customer_id, plan, status, current_period_end, cancel_at_period_end)
    select id, case when n % 2 = 0 then 'pro' else 'team' end,
      (case when n % 10 = 0 then 'past_due' else (array['active','trialing','canceled','incomplete'])[1 + n % 4] end)::entitlement_status,
      now() + ((n % 30) || ' days')::interval, n % 7 = 0
    from (select id, substr(app_user_id, ${PREFIX.length + 1})::int as n from customers where app_user_id like ${`${PREFIX}%`}) c`);
  await db.execute(raw`insert into alerts (kind, dedupe_key, status, severity, title, customer_id, details, opened_at)
    select 'billing', 'payment_failed:in_appread' || n, 'open', 'warning', 'Payment failed', id,
      jsonb_build_object('attempt', 1, 'nextAttempt', (now() + interval '3 days')::text, 'amountDue', 2900,
        'currency', 'usd', 'hostedInvoiceUrl', 'https://invoice.stripe.com/i/appread' || n),
      now() - (n || ' seconds')::interval
    from (select id, substr(app_user_id, ${PREFIX.length + 1})::int as n from customers where app_user_id like ${`${PREFIX}%`}) c
    where n % 10 = 0`);
  // One in five has support requests: one to three tickets each.
  await db.execute(raw`insert into support_tickets (reference, request_id, customer_id, app_user_id, email, subject, zendesk_ticket_id, status, created_at, updated_at)
    select 'SUP-AR' || c.n || '-' || k, 'req_appread_' || c.n || '_' || k, c.id, c.app_user_id, c.app_user_id || '@example.com',
      'Question ' || k, case when k % 2 = 0 then 900000000 + c.n * 4 + k end,
      (case when k % 2 = 0 then 'open' else 'received' end)::ticket_status,
      now() - ((c.n + k) || ' minutes')::interval, now() - ((c.n + k) || ' minutes')::interval
    from (select id, app_user_id, substr(app_user_id, ${PREFIX.length + 1})::int as n from customers where app_user_id like ${`${PREFIX}%`}) c,
      generate_series(1, 3) k
    where c.n % 5 = 0 and k <= 1 + c.n % 3`);
  await db.execute(raw`vacuum (analyze) customers, identities, entitlements, alerts, support_tickets`);
}

export async function appReadAtScale(opts: {
  dbUrl: string;
  baseUrl: string;
  token: string;
  customers: number;
  /** Requests per run (sequential, then concurrent); together they stay under the per-token limit. */
  requests: number;
  concurrency: number;
}): Promise<Row[]> {
  const total = 20 + 2 * opts.requests;
  if (total > APP_API_PER_MINUTE * 0.95)
    throw new Error(`${total} requests would exceed the app API's ${APP_API_PER_MINUTE}/min per-token limit`);
  const section = "app read API";
  const randomUser = () => `${PREFIX}${1 + Math.floor(Math.random() * opts.customers)}`;
  const rows: Row[] = [];
  const handle = await openDb({ url: opts.dbUrl });
  try {
    const t0 = Date.now();
    await seedAppRead(handle.db, opts.customers);
    rows.push({
      section,
      metric: `seeded ${opts.customers.toLocaleString("en-US")} customers (entitlements, tickets, payment alerts)`,
      value: Number(((Date.now() - t0) / 1000).toFixed(1)),
      unit: "s",
    });
    // The route's one query alone (what the database costs of the figures below).
    const query: number[] = [];
    for (let i = 0; i < 20; i++) await appCustomerView(handle.db, randomUser());
    for (let i = 0; i < opts.requests; i++) {
      const t = performance.now();
      if (!(await appCustomerView(handle.db, randomUser()))) throw new Error("a seeded user was not found");
      query.push(performance.now() - t);
    }
    rows.push({
      section,
      metric: `its query alone, appCustomerView (p50 / p95, ${query.length} random users)`,
      value: `${percentile(query, 50).toFixed(1)} / ${percentile(query, 95).toFixed(1)}`,
      unit: "ms",
    });
  } finally {
    await handle.close();
  }
  const shapes = { withTickets: 0, withProblem: 0 };
  const get = async (): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${opts.baseUrl}/api/app/customers/${randomUser()}`, {
      headers: { authorization: `Bearer ${opts.token}` },
    });
    const body = (await res.json()) as { support?: unknown[]; billing?: { state?: string }; error?: string };
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`GET /api/app/customers answered ${res.status}: ${body.error ?? ""}`);
    if (body.support?.length) shapes.withTickets += 1;
    if (body.billing?.state && body.billing.state !== "ok") shapes.withProblem += 1;
    return ms;
  };
  for (let i = 0; i < 20; i++) await get(); // warm-up: route compiled, connections open
  const sequential: number[] = [];
  for (let i = 0; i < opts.requests; i++) sequential.push(await get());
  const concurrent: number[] = [];
  let left = opts.requests;
  const tc = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        concurrent.push(await get());
      }
    }),
  );
  const rps = opts.requests / ((performance.now() - tc) / 1000);
  const row = (name: string, samples: number[], target: boolean): Row => {
    const p95 = percentile(samples, 95);
    return {
      section,
      metric: `GET /api/app/customers/:id, ${name} (p50 / p95, ${samples.length} random users)`,
      value: `${percentile(samples, 50).toFixed(1)} / ${p95.toFixed(1)}`,
      unit: "ms",
      ...(target ? { target: "p95 ≤ 20 ms", ok: p95 <= 20 } : {}),
    };
  };
  // The target is one caller's latency. With several callers in flight the answers queue behind each other on
  // the server's one thread (and share the cores with this load generator): shown, for the throughput.
  rows.push(row("sequential", sequential, true), row(`${opts.concurrency} concurrent`, concurrent, false));
  rows.push({
    section,
    metric: `throughput at ${opts.concurrency} concurrent (${shapes.withTickets} answers with tickets, ${shapes.withProblem} with a payment problem)`,
    value: Math.round(rps),
    unit: "req/s",
  });
  return rows;
}
