// `npm run bench [-- --quick]`: measures the console on a throwaway PostgreSQL with the sandboxes, prints a
// table and writes bench/results.json. `--quick` runs small sizes (CI) so the benchmark cannot rot.
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import { DEMO_DEFAULTS } from "../lib/env";
import { startSandbox } from "../sandbox";
import { ensureBuild, startNext, waitForHttp } from "../scripts/lib/next-server";
import { endToEnd } from "./end-to-end";
import { startPostgres } from "./lib/postgres";
import { printTable, type Row } from "./lib/stats";

const quick = process.argv.includes("--quick");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const pg = startPostgres();
  const sandbox = await startSandbox();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_MODE: "1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    DATABASE_URL: pg.url,
    WEBHOOK_RATE_LIMIT_PER_MINUTE: "10000000",
    STRIPE_API_BASE: sandbox.stripe.url,
    HUBSPOT_BASE_URL: sandbox.hubspot.url,
    ZENDESK_BASE_URL: sandbox.zendesk.url,
  };
  ensureBuild(env);
  const server = startNext(port, env, true);
  const rows: Row[] = [];
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/api/health`, 120_000, server);
    rows.push(...(await endToEnd({ baseUrl, hubspotUrl: sandbox.hubspot.url, secret: DEMO_DEFAULTS.APP_WEBHOOK_SECRET, count: quick ? 100 : 1000, perSecond: 20 })));
  } finally {
    server.kill("SIGTERM");
    await sandbox.close();
    pg.stop();
  }
  printTable(rows);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  fs.writeFileSync("bench/results.json", JSON.stringify({ at: new Date().toISOString(), quick, machine, rows }, null, 2));
  console.log(`\nWritten to bench/results.json (${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node}).`);
}

main().catch((err) => {
  console.error(`Benchmark failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
