// Burst: 10,000 signed app signups at once (a sender retrying after an outage): ingest latency while the
// backlog drains, time to drain, and that nothing is lost or done twice (rows, HubSpot contacts).
// Then bulk replay: the same events marked failed are replayed through the admin API.
import { sql as raw } from "drizzle-orm";
import { openDb, rowsOf } from "../db";
import { signAppPayload } from "../lib/app-events/signature";
import * as control from "../sandbox/client";
import type { HubspotState } from "../sandbox/client";
import { load } from "./lib/load";
import type { Row } from "./lib/stats";

async function waitUntil(dbUrl: string, query: ReturnType<typeof raw>, timeoutMs = 600_000): Promise<number> {
  const handle = await openDb({ url: dbUrl });
  const started = Date.now();
  try {
    for (;;) {
      const [row] = await rowsOf<{ n: number }>(handle.db.execute(query));
      if (row!.n === 0) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`still ${row!.n} waiting after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await handle.close();
  }
}

async function count(dbUrl: string, query: ReturnType<typeof raw>): Promise<number> {
  const handle = await openDb({ url: dbUrl });
  try {
    return (await rowsOf<{ n: number }>(handle.db.execute(query)))[0]!.n;
  } finally {
    await handle.close();
  }
}

export async function burstAndReplay(opts: {
  baseUrl: string;
  dbUrl: string;
  hubspotUrl: string;
  appSecret: string;
  adminToken: string;
  size: number;
}): Promise<Row[]> {
  const run = `burst${Date.now().toString(36)}`;
  const ofRun = `${run}_%`; // LIKE pattern for this run's external ids
  let i = 0;
  const started = Date.now();
  const r = await load({
    url: `${opts.baseUrl}/api/webhooks/app`,
    connections: 64,
    amount: opts.size,
    request: () => {
      const n = i++;
      const body = JSON.stringify({
        id: `${run}_${n}`,
        type: "user.signed_up",
        created: new Date().toISOString(),
        data: { userId: `${run}_u${n}`, email: `${run}_u${n}@bench.test` },
      });
      return { body, headers: { "app-signature": signAppPayload(body, opts.appSecret) } };
    },
  });
  const ingestMs = Date.now() - started;
  const pending = raw`select count(*)::int as n from events where external_id like ${ofRun} and status in ('received', 'processing')`;
  const drainMs = (await waitUntil(opts.dbUrl, pending)) + ingestMs;
  const succeeded = await count(
    opts.dbUrl,
    raw`select count(*)::int as n from events where external_id like ${ofRun} and status = 'succeeded'`,
  );
  const contacts = (await control.state<HubspotState>(opts.hubspotUrl)).contacts.filter((c) =>
    String(c.properties.app_user_id ?? "").startsWith(`${run}_u`),
  );
  const duplicates = contacts.length - new Set(contacts.map((c) => c.properties.app_user_id)).size;
  const rows: Row[] = [
    {
      section: "burst",
      metric: `${opts.size} events ingested`,
      value: r.ok2xx,
      unit: `2xx in ${(ingestMs / 1000).toFixed(1)} s`,
      ok: r.ok2xx === opts.size && r.errors + r.non2xx === 0,
    },
    { section: "burst", metric: "ingest p50 / p99 while draining", value: `${r.p50} / ${r.p99}`, unit: "ms" },
    { section: "burst", metric: "time to drain the backlog", value: Number((drainMs / 1000).toFixed(1)), unit: "s" },
    {
      section: "burst",
      metric: "processed once: succeeded, contacts, duplicates",
      value: `${succeeded}, ${contacts.length}, ${duplicates}`,
      ok: succeeded === opts.size && contacts.length === opts.size && duplicates === 0,
    },
  ];

  // Bulk replay: mark their CRM step and the events failed, then replay every failed signup of this run.
  const handle = await openDb({ url: opts.dbUrl });
  await handle.db.execute(
    raw`update event_steps set status = 'failed', last_error = 'bench: marked failed' where step = 'sync-crm' and event_id in (select id from events where external_id like ${ofRun})`,
  );
  await handle.db.execute(
    raw`update events set status = 'failed', last_error = 'sync-crm: bench' where external_id like ${ofRun}`,
  );
  await handle.close();
  const t0 = Date.now();
  const res = await fetch(`${opts.baseUrl}/api/admin/events/replay`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ filter: { type: "user.signed_up", from: new Date(started - 1000).toISOString() } }),
  });
  const { queued } = (await res.json()) as { queued: number };
  const enqueueMs = Date.now() - t0;
  const replayPending = raw`select count(*)::int as n from events where external_id like ${ofRun} and status in ('failed', 'processing', 'received')`;
  const replayDrainMs = (await waitUntil(opts.dbUrl, replayPending)) + enqueueMs;
  const after = (await control.state<HubspotState>(opts.hubspotUrl)).contacts.filter((c) =>
    String(c.properties.app_user_id ?? "").startsWith(`${run}_u`),
  );
  rows.push(
    {
      section: "bulk replay",
      metric: `${queued} failed events queued`,
      value: enqueueMs,
      unit: "ms to enqueue",
      ok: queued === opts.size,
    },
    { section: "bulk replay", metric: "time to drain", value: Number((replayDrainMs / 1000).toFixed(1)), unit: "s" },
    {
      section: "bulk replay",
      metric: "contacts after replay (no duplicates)",
      value: after.length,
      ok: after.length === opts.size,
    },
  );
  return rows;
}
