// Ingest: the webhook route under load, side by side with the framework floor (a constant JSON route of
// the same server) and the bare ceiling (node:http + postgres-js doing the same verify-and-insert).
import { fork, type ChildProcess } from "node:child_process";
import { sql as raw } from "drizzle-orm";
import { openDb } from "../db";
import { cpuMs } from "./lib/cost";
import { generated, load, signedStripeEvent, type LoadResult } from "./lib/load";
import type { Row } from "./lib/stats";

type Target = { name: string; url: string; signed: boolean };

async function countStripeRows(dbUrl: string): Promise<number> {
  const handle = await openDb({ url: dbUrl });
  try {
    const result = (await handle.db.execute(
      raw`select count(*)::int as n from events where source = 'stripe' and external_id like 'evt_bench_%'`,
    )) as unknown as Array<{ n: number }>;
    return result[0]!.n;
  } finally {
    await handle.close();
  }
}

export async function startBareServer(port: number, dbUrl: string, secret: string): Promise<ChildProcess> {
  const child = fork("bench/bare-server.ts", [String(port), dbUrl, secret], {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return child;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * Each target gets the same load (identical freshly signed ~3 KB Stripe events, even the floor that ignores
 * them), in interleaved rounds (floor, route, ceiling, floor, route, …) so that a noisy neighbour or a
 * database checkpoint hits all three alike; each figure is the median over the rounds.
 */
export async function ingest(opts: {
  baseUrl: string;
  bareUrl: string;
  dbUrl: string;
  secret: string;
  seconds: number;
  rounds: number;
  connections: number[];
  serverPid: number;
  sampleMemory: () => void;
}): Promise<Row[]> {
  const targets: Target[] = [
    { name: "framework floor (/api/ping)", url: `${opts.baseUrl}/api/ping`, signed: true },
    { name: "webhook route", url: `${opts.baseUrl}/api/webhooks/stripe`, signed: true },
    { name: "bare ceiling (node:http)", url: opts.bareUrl, signed: true },
  ];
  const rows: Row[] = [];
  const request = () => sign(opts.secret);
  for (const connections of opts.connections) {
    const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
    let routeCpuMs = 0;
    let routeOk = 0;
    let lossCheck = { ok2xx: 0, stored: 0, sent: 0 };
    // A short warm-up so JIT and connection pools are in the same state for each target.
    for (const t of targets) await load({ url: t.url, connections, seconds: 2, request });
    await new Promise((done) => setTimeout(done, 1_000)); // let the warm-up's requests in flight land before counting
    for (let round = 0; round < opts.rounds; round++) {
      for (const t of targets) {
        const isRoute = t.name === "webhook route";
        const before = isRoute ? await countStripeRows(opts.dbUrl) : 0;
        const sentBefore = generated();
        const cpuBefore = cpuMs(opts.serverPid);
        const sampler = setInterval(opts.sampleMemory, 500);
        const r = await load({ url: t.url, connections, seconds: opts.seconds, request });
        clearInterval(sampler);
        results.get(t.name)!.push(r);
        if (isRoute) {
          routeCpuMs += cpuMs(opts.serverPid) - cpuBefore;
          routeOk += r.ok2xx;
          await new Promise((done) => setTimeout(done, 1_000)); // requests still in flight when the clock stopped
          const stored = (await countStripeRows(opts.dbUrl)) - before;
          lossCheck = {
            ok2xx: lossCheck.ok2xx + r.ok2xx,
            stored: lossCheck.stored + stored,
            sent: lossCheck.sent + generated() - sentBefore,
          };
        }
      }
    }
    const section = `ingest ${connections} conn`;
    const rps = (name: string) => median(results.get(name)!.map((r) => r.rps));
    for (const t of targets) {
      const runs = results.get(t.name)!;
      const isRoute = t.name === "webhook route";
      const p99 = median(runs.map((r) => r.p99));
      const errors = runs.reduce((n, r) => n + r.errors + r.non2xx, 0);
      rows.push({ section, metric: `${t.name} req/s`, value: Math.round(rps(t.name)) });
      rows.push({
        section,
        metric: `${t.name} p50 / p99`,
        value: `${median(runs.map((r) => r.p50))} / ${p99}`,
        unit: "ms",
        ...(isRoute && connections === 16 ? { target: "p99 ≤ 50 ms", ok: p99 <= 50 } : {}),
      });
      rows.push({
        section,
        metric: `${t.name} errors`,
        value: errors,
        ...(isRoute ? { target: "0", ok: errors === 0 } : {}),
      });
    }
    // Nothing answered 2xx is lost (stored ≥ 2xx); requests cut off by the end of a round may add a few rows.
    rows.push({
      section,
      metric: "2xx answers ≤ rows stored ≤ requests sent",
      value: `${lossCheck.ok2xx} ≤ ${lossCheck.stored} ≤ ${lossCheck.sent}`,
      ok: lossCheck.ok2xx <= lossCheck.stored && lossCheck.stored <= lossCheck.sent,
    });
    rows.push({
      section,
      metric: "webhook route server CPU per request",
      value: (routeCpuMs / Math.max(1, routeOk)).toFixed(2),
      unit: "ms",
    });
    const [floor, route, ceiling] = targets.map((t) => rps(t.name)) as [number, number, number];
    rows.push({
      section,
      metric: "route / framework floor",
      value: (route / floor).toFixed(2),
      target: "≥ 0.85",
      ok: route / floor >= 0.85,
    });
    rows.push({ section, metric: "route / bare ceiling", value: (route / ceiling).toFixed(2) });
  }
  return rows;
}

function sign(secret: string) {
  const { body, header } = signedStripeEvent(secret);
  return { body, headers: { "stripe-signature": header } };
}
