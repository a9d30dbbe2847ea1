// Launch day: N signups in a burst against a HubSpot sandbox that enforces Starter's 100 calls per rolling
// 10 s, on a server of its own (a fresh database, the default HUBSPOT_RATE_LIMIT=100/10s budget): every
// signup becomes one contact, none twice, no event fails, HubSpot answers no 429, and the CRM is current
// within a minute for 10,000 signups. Reports the HubSpot calls made (batch upserts of up to 100), and what
// a signup costs (server CPU, database commits). Then the pipeline's own pace on a second server whose HubSpot
// refuses nothing: the burst drained and a bulk replay of it drained, in events/s.
import net from "node:net";
import postgres from "postgres";
import { sql as raw } from "drizzle-orm";
import { openDb, rowsOf } from "../db";
import { signAppPayload } from "../lib/app-events/signature";
import { DEMO_DEFAULTS } from "../lib/env";
import { startSandbox } from "../sandbox";
import * as control from "../sandbox/client";
import type { HubspotState } from "../sandbox/client";
import { startNext, waitForHttp } from "../scripts/lib/next-server";
import { type CostMark, costMark, perEvent } from "./lib/cost";
import { load } from "./lib/load";
import type { Row } from "./lib/stats";

type Counters = { calls: number; rateLimited: number };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type LaunchOpts = {
  /** The benchmark's PostgreSQL (a database of its own is made in it). */
  pgUrl: string;
  /** The environment the main server runs with (secrets, dist dir); the launch server overrides the rest. */
  env: NodeJS.ProcessEnv;
  size: number;
  /** HubSpot's limit, enforced by the sandbox (default Starter: 100 per 10 s). */
  rateLimit?: { max: number; windowMs: number };
  /** Drained within this, or the row is MISSED (default 60 s for 10,000, scaled down for fewer). */
  targetSeconds?: number;
  /** Events per second the unlimited run must drain at, its burst and its bulk replay (default 300). */
  targetRate?: number;
};

/** A launch server of its own: a fresh database, the sandboxes, `npm start` on a free port. */
type LaunchServer = {
  baseUrl: string;
  dbUrl: string;
  dbName: string;
  pid: number;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
};

async function withLaunchServer<T>(
  opts: LaunchOpts,
  limit: { max: number; windowMs: number } | null,
  work: (s: LaunchServer) => Promise<T>,
): Promise<T> {
  const dbName = `launch_${Date.now().toString(36)}`;
  const admin = postgres(opts.pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const dbUrl = new URL(opts.pgUrl);
  dbUrl.pathname = `/${dbName}`;
  const sandbox = await startSandbox();
  if (limit) await control.configure(sandbox.hubspot, { rateLimit: limit });
  const port = await freePort();
  // Unlimited: a budget no burst reaches, so the pipeline's own cost is what limits the drain.
  const budget = limit ?? { max: 1_000_000, windowMs: 1_000 };
  const server = startNext(
    port,
    {
      ...opts.env,
      DATABASE_URL: dbUrl.toString(),
      HUBSPOT_BASE_URL: sandbox.hubspot.url,
      STRIPE_API_BASE: sandbox.stripe.url,
      ZENDESK_BASE_URL: sandbox.zendesk.url,
      INTERCOM_BASE_URL: sandbox.intercom.url,
      HUBSPOT_RATE_LIMIT: `${budget.max}/${budget.windowMs}ms`,
    },
    true,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/api/health`, 120_000, server);
    return await work({ baseUrl, dbUrl: dbUrl.toString(), dbName, pid: server.pid!, sandbox });
  } finally {
    server.kill("SIGTERM");
    await sandbox.close();
  }
}

/** Counts by status of the events of a run (external ids `run_…`). */
async function statusesOf(dbUrl: string, run: string): Promise<Record<string, number>> {
  const handle = await openDb({ url: dbUrl });
  try {
    const rows = await rowsOf<{ status: string; n: number }>(
      handle.db.execute(
        raw`select status, count(*)::int as n from events where external_id like ${`${run}_%`} group by status`,
      ),
    );
    return Object.fromEntries(rows.map((s) => [s.status, s.n]));
  } finally {
    await handle.close();
  }
}

/** Statements the benchmark itself ran in the launch database (its polls), not to be charged to the events. */
let benchStatements = 0;

/** The server's CPU and its database's commits so far, less the benchmark's own polls. */
async function mark(opts: LaunchOpts, s: LaunchServer): Promise<CostMark> {
  const m = await costMark(s.pid, opts.pgUrl, s.dbName);
  return { ...m, commits: m.commits - benchStatements };
}

/** Waits until none of the run's events is in `waiting`; answers when (ms since `started`). */
async function drained(dbUrl: string, run: string, waiting: string[], started: number): Promise<number> {
  const handle = await openDb({ url: dbUrl });
  try {
    for (;;) {
      benchStatements++;
      const [row] = await rowsOf<{ n: number }>(
        handle.db.execute(
          raw`select count(*)::int as n from events where external_id like ${`${run}_%`} and status::text = any(${`{${waiting.join(",")}}`}::text[])`,
        ),
      );
      if (row!.n === 0) return Date.now() - started;
      if (Date.now() - started > 15 * 60_000) throw new Error(`still ${row!.n} events waiting after 15 minutes`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await handle.close();
  }
}

/** N signups posted in a burst (64 connections); answers the load's figures and when the last one was answered. */
async function signupBurst(baseUrl: string, run: string, size: number) {
  let i = 0;
  const started = Date.now();
  const r = await load({
    url: `${baseUrl}/api/webhooks/app`,
    connections: 64,
    amount: size,
    request: () => {
      const n = i++;
      const body = JSON.stringify({
        id: `${run}_${n}`,
        type: "user.signed_up",
        created: new Date().toISOString(),
        data: { userId: `${run}_u${n}`, email: `${run}_u${n}@launch.test`, name: `Launch User ${n}` },
      });
      return { body, headers: { "app-signature": signAppPayload(body, DEMO_DEFAULTS.APP_WEBHOOK_SECRET) } };
    },
  });
  return { r, started, ingestMs: Date.now() - started };
}

const contactsOf = async (s: LaunchServer, run: string) => {
  const state = (await control.state<HubspotState>(s.sandbox.hubspot)) as HubspotState & { counters: Counters };
  const contacts = state.contacts.filter((c) => String(c.properties.app_user_id ?? "").startsWith(`${run}_u`));
  return { state, contacts, duplicates: contacts.length - new Set(contacts.map((c) => c.properties.app_user_id)).size };
};

// The statistics collector flushes each backend's counters within a second of its last transaction.
const settle = () => new Promise((res) => setTimeout(res, 1_500));

export async function launch(opts: LaunchOpts): Promise<Row[]> {
  const limit = opts.rateLimit ?? { max: 100, windowMs: 10_000 };
  const limited = await withLaunchServer(opts, limit, (s) => limitedLaunch(opts, limit, s));
  const unlimited = await withLaunchServer(opts, null, (s) => unlimitedLaunch(opts, s));
  return [...limited, ...unlimited];
}

/** Cost rows between two marks: server CPU and commits per event. */
function costRows(label: string, before: CostMark, after: CostMark, events: number): Row[] {
  const per = perEvent(before, after, events);
  return [
    {
      section: "launch",
      metric: `server CPU per ${label}`,
      value: Number(per.cpuMs.toFixed(2)),
      unit: "ms",
      target: "≤ 3 ms",
      ok: per.cpuMs <= 3,
    },
    {
      section: "launch",
      metric: `database commits per ${label}`,
      value: Number(per.commits.toFixed(1)),
      target: "≤ 4",
      ok: per.commits <= 4,
    },
  ];
}

async function limitedLaunch(
  opts: LaunchOpts,
  limit: { max: number; windowMs: number },
  s: LaunchServer,
): Promise<Row[]> {
  const run = `launch${Date.now().toString(36)}`;
  const before = await mark(opts, s);
  const { r, started, ingestMs } = await signupBurst(s.baseUrl, run, opts.size);
  const drainMs = await drained(s.dbUrl, run, ["received", "processing"], started);
  await settle();
  const after = await mark(opts, s);
  const statuses = await statusesOf(s.dbUrl, run);
  const { state, contacts, duplicates } = await contactsOf(s, run);
  const failed = statuses.failed ?? 0;
  const target = opts.targetSeconds ?? Math.max(10, (60 * opts.size) / 10_000);
  const calls = state.counters.calls;
  return [
    {
      section: "launch",
      metric: `${opts.size} signups in a burst (HubSpot enforcing ${limit.max}/${limit.windowMs / 1000}s)`,
      value: r.ok2xx,
      unit: `2xx in ${(ingestMs / 1000).toFixed(1)} s`,
      ok: r.ok2xx === opts.size && r.errors + r.non2xx === 0,
    },
    {
      section: "launch",
      metric: "contacts, duplicates, failed events",
      value: `${contacts.length}, ${duplicates}, ${failed}`,
      target: `${opts.size}, 0, 0`,
      ok: contacts.length === opts.size && duplicates === 0 && failed === 0,
    },
    {
      section: "launch",
      metric: "HubSpot answers 429",
      value: state.counters.rateLimited,
      target: "0",
      ok: state.counters.rateLimited === 0,
    },
    {
      section: "launch",
      metric: "time until every signup is in HubSpot",
      value: Number((drainMs / 1000).toFixed(1)),
      unit: "s",
      target: `≤ ${target} s`,
      ok: drainMs <= target * 1000,
    },
    {
      section: "launch",
      metric: "HubSpot calls made (contacts per call)",
      value: `${calls} (${(contacts.length / Math.max(1, calls)).toFixed(1)})`,
      target: `≈ ${Math.ceil(opts.size / 100)} + property checks`,
    },
    ...costRows("signup (ingest + pipeline, HubSpot limited)", before, after, opts.size),
  ];
}

/**
 * The pipeline's own pace, with a HubSpot that refuses nothing: N signups in a burst drained at events/s, then
 * the same events failed on purpose and bulk replayed through the admin API, drained at events/s.
 */
async function unlimitedLaunch(opts: LaunchOpts, s: LaunchServer): Promise<Row[]> {
  const rate = opts.targetRate ?? 300;
  const run = `unlimited${Date.now().toString(36)}`;
  const before = await mark(opts, s);
  const { r, started } = await signupBurst(s.baseUrl, run, opts.size);
  const drainMs = await drained(s.dbUrl, run, ["received", "processing"], started);
  await settle();
  const after = await mark(opts, s);
  const burstStatuses = await statusesOf(s.dbUrl, run);
  const burstRate = opts.size / (drainMs / 1000);
  const rows: Row[] = [
    {
      section: "launch",
      metric: `${opts.size} signups drained, HubSpot unlimited (succeeded)`,
      value: Number(burstRate.toFixed(0)),
      unit: `events/s (${burstStatuses.succeeded ?? 0} in ${(drainMs / 1000).toFixed(1)} s)`,
      target: `≥ ${rate}/s`,
      ok: burstRate >= rate && burstStatuses.succeeded === opts.size && r.ok2xx === opts.size,
    },
    ...costRows("signup (ingest + pipeline, HubSpot unlimited)", before, after, opts.size),
  ];

  // Bulk replay: the CRM step and the events marked failed, then every failed signup replayed at once.
  const handle = await openDb({ url: s.dbUrl });
  try {
    await handle.db.execute(
      raw`update event_steps set status = 'failed', last_error = 'bench: marked failed' where step = 'sync-crm' and event_id in (select id from events where external_id like ${`${run}_%`})`,
    );
    await handle.db.execute(
      raw`update events set status = 'failed', last_error = 'sync-crm: bench' where external_id like ${`${run}_%`}`,
    );
  } finally {
    await handle.close();
  }
  await settle();
  const replayBefore = await mark(opts, s);
  const t0 = Date.now();
  const res = await fetch(`${s.baseUrl}/api/admin/events/replay`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEMO_DEFAULTS.ADMIN_API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ filter: { type: "user.signed_up", from: new Date(started - 1000).toISOString() } }),
  });
  const answer = (await res.json().catch(() => ({}))) as { queued?: number };
  const replayMs = await drained(s.dbUrl, run, ["failed", "processing", "received"], t0);
  await settle();
  const replayAfter = await mark(opts, s);
  const replayRate = opts.size / (replayMs / 1000);
  const { contacts, duplicates } = await contactsOf(s, run);
  const per = perEvent(replayBefore, replayAfter, opts.size);
  rows.push(
    {
      section: "launch",
      metric: `bulk replay of ${answer.queued ?? "?"} failed signups drained, HubSpot unlimited`,
      value: Number(replayRate.toFixed(0)),
      unit: `events/s (${(replayMs / 1000).toFixed(1)} s)`,
      target: `≥ ${rate}/s`,
      ok: res.ok && replayRate >= rate,
    },
    {
      section: "launch",
      metric: "bulk replay: server CPU, commits per event",
      value: `${per.cpuMs.toFixed(2)} ms, ${per.commits.toFixed(1)}`,
    },
    {
      section: "launch",
      metric: "contacts after the replay, duplicates",
      value: `${contacts.length}, ${duplicates}`,
      target: `${opts.size}, 0`,
      ok: contacts.length === opts.size && duplicates === 0,
    },
  );
  return rows;
}
