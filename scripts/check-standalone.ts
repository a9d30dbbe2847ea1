// `tsx scripts/check-standalone.ts`: the standalone output deploys by itself. Builds if needed, copies
// <distDir>/standalone to a temporary folder outside the repository (so nothing resolves from the repo's
// node_modules), checks what it ships (migrations, PGlite's files; no sandbox, tests or benchmarks), starts
// `node server.js` there on the embedded database with the demo secrets, and checks /api/health, a signed
// Stripe webhook (stored once: the same delivery again is a duplicate), a forged one (400), the security
// headers. Exits 1 naming the first thing that is wrong.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { DEMO_DEFAULTS } from "../lib/env";
import { distDir, ensureBuild, waitForHttp } from "./lib/next-server";

function check(ok: unknown, what: string): void {
  if (!ok) throw new Error(`standalone check failed: ${what}`);
  console.log(`ok  ${what}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function du(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += du(p);
    else if (entry.isFile()) bytes += fs.statSync(p).size;
  }
  return bytes;
}

async function main() {
  ensureBuild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ops-standalone-"));
  const app = path.join(tmp, "app");
  fs.cpSync(path.join(distDir(), "standalone"), app, { recursive: true, verbatimSymlinks: true });
  console.log(`standalone folder: ${Math.round(du(app) / 2 ** 20)} MiB, copied to ${app}`);
  const has = (p: string) => fs.existsSync(path.join(app, p));
  check(has("db/migrations/meta/_journal.json"), "ships db/migrations");
  check(has("node_modules/@electric-sql/pglite/dist/pglite.wasm"), "ships PGlite's WebAssembly");
  check(has("node_modules/@electric-sql/pglite/dist/pg_trgm.tar.gz"), "ships PGlite's pg_trgm extension");
  check(has(`${path.basename(distDir())}/static`), "ships the static assets");
  for (const dir of ["sandbox", "e2e", "bench", "reliability", "test", ".data", ".git"])
    check(!has(dir), `does not ship ${dir}/`);

  const port = await freePort();
  const child = spawn(process.execPath, ["server.js"], {
    cwd: app,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      DEMO_MODE: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: path.join(tmp, "data"),
      AUTH_TRUST_HOST: "true",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      STRIPE_BACKFILL_MINUTES: "0",
      RECONCILE_MINUTES: "0",
    },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/api/health`, 120_000, child);
    const health = await fetch(`${base}/api/health`);
    check(health.status === 200, `GET /api/health answers 200 (got ${health.status})`);
    check(health.headers.get("x-frame-options") === "DENY", "security headers on Next's responses");

    const body = JSON.stringify({
      id: `evt_standalone_${Date.now()}`,
      object: "event",
      type: "payment_method.attached",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "pm_1", object: "payment_method", customer: "cus_standalone" } },
    });
    const header = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET,
    });
    const send = (signature: string) =>
      fetch(`${base}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body,
      });
    const first = await send(header);
    const stored = (await first.json()) as { received?: boolean; duplicate?: boolean; id?: string };
    check(first.status === 200 && stored.received && !stored.duplicate, `signed webhook stored (${first.status})`);
    check(first.headers.get("x-frame-options") === "DENY", "security headers on the fast path");
    const again = (await (await send(header)).json()) as { duplicate?: boolean; id?: string };
    check(again.duplicate === true && again.id === stored.id, "the same delivery again is a duplicate");
    const forged = await send(header.replace(/v1=[0-9a-f]+/, `v1=${"0".repeat(64)}`));
    check(forged.status === 400, `forged signature refused (${forged.status})`);
    console.log("standalone output: all checks passed");
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((done) => child.once("exit", done));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
