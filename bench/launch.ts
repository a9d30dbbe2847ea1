// Launch day: N signups in a burst against a HubSpot sandbox that enforces Starter's 100 calls per rolling
// 10 s, on a server of its own (a fresh database, the default HUBSPOT_RATE_LIMIT=100/10s budget): every
// signup becomes one contact, none twice, no event fails, HubSpot answers no 429, and the CRM is current
// within a minute for 10,000 signups. Reports the HubSpot calls made (batch upserts of up to 100).
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

export async function launch(opts: {
  /** The benchmark's PostgreSQL (a database of its own is made in it). */
  pgUrl: string;
  /** The environment the main server runs with (secrets, dist dir); the launch server overrides the rest. */
  env: NodeJS.ProcessEnv;
  size: number;
  /** HubSpot's limit, enforced by the sandbox (default Starter: 100 per 10 s). */
  rateLimit?: { max: number; windowMs: number };
  /** Drained within this, or the row is MISSED (default 60 s for 10,000, scaled down for fewer). */
  targetSeconds?: number;
}): Promise<Row[]> {
  const limit = opts.rateLimit ?? { max: 100, windowMs: 10_000 };
  const name = `launch_${Date.now().toString(36)}`;
  const admin = postgres(opts.pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(opts.pgUrl);
  dbUrl.pathname = `/${name}`;
  const sandbox = await startSandbox();
  await control.configure(sandbox.hubspot, { rateLimit: limit });
  const port = await freePort();
  const server = startNext(
    port,
    {
      ...opts.env,
      DATABASE_URL: dbUrl.toString(),
      HUBSPOT_BASE_URL: sandbox.hubspot.url,
      STRIPE_API_BASE: sandbox.stripe.url,
      ZENDESK_BASE_URL: sandbox.zendesk.url,
      INTERCOM_BASE_URL: sandbox.intercom.url,
      HUBSPOT_RATE_LIMIT: `${limit.max}/${limit.windowMs}ms`,
    },
    true,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/api/health`, 120_000, server);
    const run = `launch${Date.now().toString(36)}`;
    let i = 0;
    const started = Date.now();
    const r = await load({
      url: `${baseUrl}/api/webhooks/app`,
      connections: 64,
      amount: opts.size,
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
    const ingestMs = Date.now() - started;
    const handle = await openDb({ url: dbUrl.toString() });
    let drainMs: number;
    let statuses: Record<string, number>;
    try {
      for (;;) {
        const [row] = await rowsOf<{ n: number }>(
          handle.db.execute(raw`select count(*)::int as n from events where status in ('received', 'processing')`),
        );
        if (row!.n === 0) break;
        if (Date.now() - started > 15 * 60_000) throw new Error(`still ${row!.n} events waiting after 15 minutes`);
        await new Promise((res) => setTimeout(res, 100));
      }
      drainMs = Date.now() - started;
      statuses = Object.fromEntries(
        (
          await rowsOf<{ status: string; n: number }>(
            handle.db.execute(raw`select status, count(*)::int as n from events group by status`),
          )
        ).map((s) => [s.status, s.n]),
      );
    } finally {
      await handle.close();
    }
    const state = (await control.state<HubspotState>(sandbox.hubspot)) as HubspotState & { counters: Counters };
    const contacts = state.contacts.filter((c) => String(c.properties.app_user_id ?? "").startsWith(`${run}_u`));
    const duplicates = contacts.length - new Set(contacts.map((c) => c.properties.app_user_id)).size;
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
    ];
  } finally {
    server.kill("SIGTERM");
    await sandbox.close();
  }
}
