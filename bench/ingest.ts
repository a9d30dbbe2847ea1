// Ingest: the webhook route under load, side by side with the framework floor (a constant JSON route of
// the same server) and the bare ceiling (node:http + postgres-js doing the same verify-and-insert).
import { fork, type ChildProcess } from "node:child_process";
import { sql as raw } from "drizzle-orm";
import { openDb } from "../db";
import { generated, load, signedStripeEvent, type LoadResult } from "./lib/load";
import type { Row } from "./lib/stats";

type Target = { name: string; url: string; signed: boolean };

async function countStripeRows(dbUrl: string): Promise<number> {
  const handle = await openDb({ url: dbUrl });
  try {
    const result = (await handle.db.execute(raw`select count(*)::int as n from events where source = 'stripe' and external_id like 'evt_bench_%'`)) as unknown as Array<{ n: number }>;
    return result[0]!.n;
  } finally {
    await handle.close();
  }
}

export async function startBareServer(port: number, dbUrl: string, secret: string): Promise<ChildProcess> {
  const child = fork("bench/bare-server.ts", [String(port), dbUrl, secret], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return child;
}

export async function ingest(opts: { baseUrl: string; bareUrl: string; dbUrl: string; secret: string; seconds: number; connections: number[]; sampleMemory: () => void }): Promise<Row[]> {
  const targets: Target[] = [
    { name: "framework floor (/api/ping)", url: `${opts.baseUrl}/api/ping`, signed: false },
    { name: "webhook route", url: `${opts.baseUrl}/api/webhooks/stripe`, signed: true },
    { name: "bare ceiling (node:http)", url: opts.bareUrl, signed: true },
  ];
  const rows: Row[] = [];
  for (const connections of opts.connections) {
    const results = new Map<string, LoadResult>();
    for (const t of targets) {
      // A short warm-up so JIT and connection pools are in the same state for each target.
      await load({ url: t.url, connections, seconds: 2, request: t.signed ? () => sign(opts.secret) : undefined });
      await new Promise((done) => setTimeout(done, 1_000)); // let the warm-up's requests in flight land before counting
      const before = t.name === "webhook route" ? await countStripeRows(opts.dbUrl) : 0;
      const sentBefore = generated();
      const sampler = setInterval(opts.sampleMemory, 500);
      const r = await load({ url: t.url, connections, seconds: opts.seconds, request: t.signed ? () => sign(opts.secret) : undefined });
      clearInterval(sampler);
      results.set(t.name, r);
      const section = `ingest ${connections} conn`;
      rows.push({ section, metric: `${t.name} req/s`, value: Math.round(r.rps) });
      rows.push({ section, metric: `${t.name} p50 / p99`, value: `${r.p50} / ${r.p99}`, unit: "ms", ...(t.name === "webhook route" && connections === 16 ? { target: "p99 ≤ 50 ms", ok: r.p99 <= 50 } : {}) });
      rows.push({ section, metric: `${t.name} errors`, value: r.errors + r.non2xx, ...(t.name === "webhook route" ? { target: "0", ok: r.errors + r.non2xx === 0 } : {}) });
      if (t.name === "webhook route") {
        await new Promise((done) => setTimeout(done, 1_000)); // requests still in flight when the clock stopped
        const stored = (await countStripeRows(opts.dbUrl)) - before;
        const sent = generated() - sentBefore;
        // Nothing answered 2xx is lost (stored ≥ 2xx); requests cut off by the end of the run may add a few rows.
        rows.push({ section, metric: "2xx answers ≤ rows stored ≤ requests sent", value: `${r.ok2xx} ≤ ${stored} ≤ ${sent}`, ok: r.ok2xx <= stored && stored <= sent });
      }
    }
    const floor = results.get(targets[0]!.name)!.rps;
    const route = results.get(targets[1]!.name)!.rps;
    const ceiling = results.get(targets[2]!.name)!.rps;
    rows.push({ section: `ingest ${connections} conn`, metric: "route / framework floor", value: Number((route / floor).toFixed(2)), target: "≥ 0.85", ok: route / floor >= 0.85 });
    rows.push({ section: `ingest ${connections} conn`, metric: "route / bare ceiling", value: Number((route / ceiling).toFixed(2)) });
  }
  return rows;
}

function sign(secret: string) {
  const { body, header } = signedStripeEvent(secret);
  return { body, headers: { "stripe-signature": header } };
}
