// `npm run bench [-- --quick]`: measures the console on a throwaway PostgreSQL with the sandboxes, prints a
// table and writes bench/results.json. Every figure comes from this one run, side by side, so a noisy
// machine still gives fair ratios. `--quick` runs small sizes (CI) so the benchmark cannot rot.
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import { DEMO_DEFAULTS } from "../lib/env";
import { startSandbox } from "../sandbox";
import { ensureBuild, startNext, waitForHttp } from "../scripts/lib/next-server";
import { appReadAtScale } from "./app-read";
import { burstAndReplay } from "./burst";
import { consoleAtScale } from "./console-scale";
import { endToEnd } from "./end-to-end";
import { ingest, startBareServer } from "./ingest";
import { launch } from "./launch";
import { stepLatencyAtScale } from "./latency";
import { memorySampler } from "./lib/memory";
import { startPostgres } from "./lib/postgres";
import { printTable, type Row } from "./lib/stats";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const want = (name: string) => !only || only.includes(name);
/** Sections that read the database only: `--only=latency` needs no Next build or server. */
const DB_ONLY = ["latency"];
const needsServer = !only || only.some((name) => !DB_ONLY.includes(name));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  process.env.NEXT_DIST_DIR ??= ".next-bench";
  // A free port: two benchmarks on one machine (a shared CI box, a team) must not collide on PostgreSQL's.
  const pg = startPostgres(await freePort());
  const sandbox = await startSandbox();
  const [port, barePort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_MODE: "1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    DATABASE_URL: pg.url,
    WEBHOOK_RATE_LIMIT_PER_MINUTE: "10000000",
    // The main server measures against an unlimited HubSpot; the launch section runs its own, limited one.
    HUBSPOT_RATE_LIMIT: "1000000/10s",
    // Measured alone: no scheduled Stripe backfill during the runs.
    STRIPE_BACKFILL_MINUTES: "0",
    RECONCILE_MINUTES: "0",
    STRIPE_API_BASE: sandbox.stripe.url,
    HUBSPOT_BASE_URL: sandbox.hubspot.url,
    ZENDESK_BASE_URL: sandbox.zendesk.url,
  };
  const rows: Row[] = [];
  let server: ReturnType<typeof startNext> | null = null;
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  // From here on a failure (a build that does not compile, a server that never answers) still stops the
  // throwaway PostgreSQL and the sandboxes: `finally` below.
  try {
    if (needsServer) ensureBuild(env);
    server = needsServer ? startNext(port, env, true) : null;
    const memory = server ? memorySampler(server.pid!) : null;
    if (server) {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, 120_000, server); // migrations applied
      bare = await startBareServer(barePort, pg.url, DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET);
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    // A section that breaks is reported as a failed row; the others still run and print.
    const section = async (name: string, fn: () => Promise<Row[]>) => {
      if (!want(name)) return;
      try {
        rows.push(...(await fn()));
      } catch (err) {
        rows.push({
          section: name,
          metric: `failed: ${err instanceof Error ? err.message : err}`,
          value: "-",
          ok: false,
        });
      }
    };
    await section("e2e", () =>
      endToEnd({
        baseUrl,
        hubspotUrl: sandbox.hubspot.url,
        secret: DEMO_DEFAULTS.APP_WEBHOOK_SECRET,
        count: quick ? 100 : 1000,
        perSecond: 20,
      }),
    );
    await section("ingest", () =>
      ingest({
        baseUrl,
        bareUrl: `http://127.0.0.1:${barePort}/`,
        dbUrl: pg.url,
        secret: DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET,
        seconds: quick ? 3 : 5,
        rounds: quick ? 1 : 4,
        connections: [16, 64],
        serverPid: server!.pid!,
        sampleMemory: () => memory!.sample(),
      }),
    );
    await section("burst", () =>
      burstAndReplay({
        baseUrl,
        dbUrl: pg.url,
        hubspotUrl: sandbox.hubspot.url,
        appSecret: DEMO_DEFAULTS.APP_WEBHOOK_SECRET,
        adminToken: DEMO_DEFAULTS.ADMIN_API_TOKEN,
        size: quick ? 500 : 10_000,
      }),
    );
    await section("launch", () => launch({ pgUrl: pg.url, env, size: quick ? 1_000 : 10_000 }));
    await section("scale", () =>
      consoleAtScale({
        dbUrl: pg.url,
        baseUrl,
        authSecret: DEMO_DEFAULTS.AUTH_SECRET,
        adminEmail: DEMO_DEFAULTS.ADMIN_EMAIL,
        events: quick ? 10_000 : 1_000_000,
        customers: quick ? 1_000 : 100_000,
        runs: quick ? 5 : 30,
      }),
    );
    await section("app-read", () =>
      appReadAtScale({
        dbUrl: pg.url,
        baseUrl,
        token: DEMO_DEFAULTS.APP_API_TOKEN,
        customers: quick ? 10_000 : 100_000,
        requests: 500,
        concurrency: 4,
      }),
    );
    // Last: its million events would otherwise sit under the other sections' figures.
    await section("latency", () =>
      stepLatencyAtScale({ dbUrl: pg.url, events: quick ? 10_000 : 1_000_000, runs: quick ? 3 : 10 }),
    );
    if (memory) {
      memory.sample();
      rows.push({
        section: "memory",
        metric: "peak server RSS (npm start server, under ingest load)",
        value: memory.peakMiB(),
        unit: "MiB",
      });
    }
  } finally {
    bare?.kill("SIGTERM");
    server?.kill("SIGTERM");
    await sandbox.close();
    pg.stop();
  }
  printTable(rows);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  fs.writeFileSync(
    "bench/results.json",
    JSON.stringify({ at: new Date().toISOString(), quick, machine, rows }, null, 2),
  );
  console.log(`\nWritten to bench/results.json (${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node}).`);
  const missed = rows.filter((r) => r.ok === false);
  if (missed.length) console.log(`Targets missed: ${missed.map((r) => `${r.section} / ${r.metric}`).join("; ")}`);
}

main().catch((err) => {
  console.error(`Benchmark failed: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
