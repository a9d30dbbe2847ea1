// `npm run test:reliability [-- --quick] [--only crash,access] [--reuse-build]`: builds the console into its own folder,
// starts the sandboxes and `next start` (DEMO_MODE=1, inline jobs) on a throwaway PostgreSQL, runs each
// scenario, prints a table and exits non-zero when any check failed. README "Reliability suite".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPostgres, type Throwaway } from "../bench/lib/postgres";
import { startSandbox, type Sandbox } from "../sandbox";
import { ensureBuild } from "../scripts/lib/next-server";
import { access } from "./access";
import { badInput } from "./bad-input";
import { bundle } from "./bundle";
import { crash } from "./crash";
import { duplicateStorm } from "./duplicate-storm";
import { faultStorm } from "./fault-storm";
import { rateLimits } from "./rate-limits";
import { twoInstances } from "./two-instances";
import { DIST_DIR, FULL, LEASE_SECONDS, QUICK, SECRETS } from "./lib/config";
import type { Context } from "./lib/context";
import { connect, type Sql } from "./lib/db";
import { printTable, seconds, type ScenarioResult } from "./lib/report";
import { AppServer, freePort } from "./lib/server";

const SCENARIOS: [string, (ctx: Context) => Promise<ScenarioResult>][] = [
  ["bad-input", badInput],
  ["duplicate-storm", duplicateStorm],
  ["fault-storm", faultStorm],
  ["crash", crash],
  ["access", access],
  ["bundle", bundle],
  ["rate-limits", rateLimits],
  ["two-instances", twoInstances],
];

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
/** For working on the suite itself: use the existing build folder even when sources changed since. */
const reuseBuild = argv.includes("--reuse-build");
const onlyArg = argv.find((a) => a.startsWith("--only"));
const only = onlyArg
  ? (onlyArg.includes("=") ? onlyArg.split("=")[1]! : (argv[argv.indexOf(onlyArg) + 1] ?? ""))
      .split(",")
      .filter(Boolean)
  : [];

/** `next build` adds its folder's generated types to tsconfig.json; this build folder is the suite's own, so take them out again. */
function buildWithoutTouchingTsconfig(env: NodeJS.ProcessEnv): number {
  const before = fs.readFileSync("tsconfig.json", "utf8");
  const started = Date.now();
  ensureBuild(env);
  const after = fs.readFileSync("tsconfig.json", "utf8");
  if (after !== before) {
    const had = new Set<string>((JSON.parse(before) as { include?: string[] }).include ?? []);
    const config = JSON.parse(after) as { include?: string[] };
    config.include = config.include?.filter((entry) => had.has(entry) || !entry.startsWith(`${DIST_DIR}/`));
    fs.writeFileSync("tsconfig.json", `${JSON.stringify(config, null, 2)}\n`);
  }
  return Date.now() - started;
}

async function main(): Promise<number> {
  const unknown = only.filter((name) => !SCENARIOS.some(([n]) => n === name));
  if (unknown.length)
    throw new Error(`unknown scenario ${unknown.join(", ")}: choose from ${SCENARIOS.map(([n]) => n).join(", ")}`);
  process.env.NEXT_DIST_DIR = DIST_DIR; // ensureBuild's freshness check reads it
  const suiteStarted = Date.now();
  const runId = Date.now().toString(36).slice(-6);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-"));
  const log = (message: string) => console.log(`[reliability] ${message}`);

  let pg: Throwaway | undefined;
  let sandbox: Sandbox | undefined;
  let sql: Sql | undefined;
  let server: AppServer | undefined;
  const cleanup = async () => {
    await server?.stop().catch(() => {});
    await sql?.end({ timeout: 5 }).catch(() => {});
    await sandbox?.close().catch(() => {});
    try {
      pg?.stop();
    } catch {
      // already stopped
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }

  const results: ScenarioResult[] = [];
  try {
    pg = startPostgres(await freePort());
    sandbox = await startSandbox({
      stripeKey: SECRETS.STRIPE_SECRET_KEY,
      hubspotToken: SECRETS.HUBSPOT_ACCESS_TOKEN,
      zendesk: { email: SECRETS.ZENDESK_EMAIL, token: SECRETS.ZENDESK_API_TOKEN },
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...SECRETS,
      DEMO_MODE: "1",
      NEXT_DIST_DIR: DIST_DIR,
      DATABASE_URL: pg.url,
      DATA_DIR: path.join(logDir, "data"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      JOBS_DRIVER: "inline",
      INNGEST_EVENT_KEY: "",
      INNGEST_SIGNING_KEY: "",
      INNGEST_DEV: "",
      ALERT_WEBHOOK_URL: "",
      STRIPE_API_BASE: sandbox.stripe.url,
      HUBSPOT_BASE_URL: sandbox.hubspot.url,
      ZENDESK_BASE_URL: sandbox.zendesk.url,
      WEBHOOK_RATE_LIMIT_PER_MINUTE: "10000000",
      // The suite stands in for one reverse proxy: its X-Forwarded-For (one entry) names the caller.
      TRUSTED_PROXY_HOPS: "1",
      JOBS_STALE_AFTER_SECONDS: String(LEASE_SECONDS),
      // The bad-input scenario counts the sandboxes' requests: no scheduled Stripe backfill in between.
      STRIPE_BACKFILL_MINUTES: "0",
      RECONCILE_MINUTES: "0",
    };
    if (reuseBuild && fs.existsSync(path.join(DIST_DIR, "BUILD_ID")))
      log(`reusing ${DIST_DIR} as built (--reuse-build)`);
    else log(`build ${DIST_DIR}: ${seconds(buildWithoutTouchingTsconfig(env))}`);
    server = new AppServer(await freePort(), env, path.join(logDir, "server.log"));
    log(`server ready in ${seconds(await server.start())} on ${server.url}; PostgreSQL ${pg.url}; logs in ${logDir}`);
    sql = connect(pg.url);
    const sizes = quick ? QUICK : FULL;
    const ctx: Context = {
      quick,
      sizes,
      runId,
      server,
      serverEnv: env,
      pgUrl: pg.url,
      sql,
      sandbox,
      distDir: DIST_DIR,
      logDir,
      log,
    };

    for (const [name, run] of SCENARIOS) {
      if (only.length && !only.includes(name)) continue;
      if (!server.running) await server.start();
      sandbox.stripe.faults.clear();
      sandbox.hubspot.faults.clear();
      sandbox.zendesk.faults.clear();
      log(`${name}…`);
      const started = Date.now();
      let result: ScenarioResult;
      try {
        result = await run(ctx);
      } catch (err) {
        result = {
          name,
          ok: false,
          summary: `crashed: ${(err as Error).message.split("\n")[0]}`,
          details: [String((err as Error).stack ?? err)],
        };
      }
      result.durationMs = Date.now() - started;
      results.push(result);
      console.log(`\n${result.ok ? "PASS" : "FAIL"} ${result.name} (${seconds(result.durationMs)}): ${result.summary}`);
      for (const line of result.details) console.log(`  ${line}`);
      console.log("");
    }
  } finally {
    await cleanup();
  }

  printTable(
    results,
    `Reliability suite (${quick ? "--quick" : "full"}), ${os.cpus().length} cores, Node ${process.version}, ${seconds(Date.now() - suiteStarted)} in all`,
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    console.log(
      `\n${failed.length} scenario${failed.length === 1 ? "" : "s"} failed: ${failed.map((r) => r.name).join(", ")}. Server log: ${path.join(logDir, "server.log")}`,
    );
    return 1;
  }
  fs.rmSync(logDir, { recursive: true, force: true });
  console.log(`\nAll ${results.length} scenarios passed.`);
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(`Reliability suite could not run: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    process.exit(1);
  });
