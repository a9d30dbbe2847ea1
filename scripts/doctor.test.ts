// `npm run doctor` as a founder runs it: a separate process, its environment, its exit status.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDb, openDb } from "@/db";
import { startSandbox, type Sandbox } from "@/sandbox";

type Run = { code: number | null; stdout: string; stderr: string };

function doctor(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/doctor.ts", ...args], {
      cwd: process.cwd(),
      // Only what the test gives: none of the developer's own variables leak in.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.tmpdir(),
        NO_COLOR: "1",
        LOG_LEVEL: "silent",
        ...env,
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

let sandbox: Sandbox;
let dataDir: string;
const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-empty-"));

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-data-"));
  const db = await openDb({ dataDir: path.join(dataDir, "pglite") });
  await migrateDb(db);
  await db.close();
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  for (const dir of [dataDir, emptyDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const demoEnv = () => ({
  STRIPE_API_BASE: sandbox.stripe.url,
  HUBSPOT_BASE_URL: sandbox.hubspot.url,
  ZENDESK_BASE_URL: sandbox.zendesk.url,
  DATA_DIR: dataDir,
});

describe("npm run doctor", () => {
  it("fails a broken production configuration with messages naming the variables", async () => {
    const run = await doctor({ NODE_ENV: "production", DATA_DIR: emptyDir, STRIPE_WEBHOOK_SECRET: "not-a-whsec" });
    expect(run.code, run.stderr).toBe(1);
    const [first] = run.stdout.split("\n");
    expect(first).toMatch(
      /^Configuration invalid: \d+ problems \(STRIPE_WEBHOOK_SECRET, AUTH_SECRET, .*\); the server would refuse to start\. Details below\.$/,
    );
    for (const key of [
      "AUTH_SECRET",
      "ADMIN_PASSWORD",
      "ADMIN_API_TOKEN",
      "STRIPE_SECRET_KEY",
      "HUBSPOT_ACCESS_TOKEN",
      "ZENDESK_API_TOKEN",
      "APP_WEBHOOK_SECRET",
    ])
      expect(run.stdout).toContain(key);
    expect(run.stdout).toContain("STRIPE_WEBHOOK_SECRET must start with whsec_");
    expect(run.stdout).toMatch(/Required variables\s+FAIL\s+Missing in production: AUTH_SECRET/);
    expect(run.stdout).toMatch(/Stripe credentials\s+FAIL\s+STRIPE_SECRET_KEY is not set\./);
    expect(run.stdout).toMatch(/\n\d+ to fix before launch, \d+ warnings?, \d+ passed \(\d+\.\d s\)\.\n$/);
    expect(run.stderr).toBe("");
  }, 120_000);

  it("passes the demo configuration with the sandboxes running (warnings allowed)", async () => {
    const run = await doctor(demoEnv());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toContain("Configuration invalid");
    expect(run.stdout).toMatch(/GROUP\s+CHECK\s+STATUS\s+DETAIL \/ FIX/);
    expect(run.stdout).toMatch(/Database reachable\s+PASS\s+Embedded PGlite at /);
    expect(run.stdout).toMatch(/Migrations current\s+PASS/);
    for (const name of ["Stripe", "HubSpot", "Zendesk"])
      expect(run.stdout).toMatch(new RegExp(`${name} credentials\\s+PASS\\s+Authenticated at http://127\\.0\\.0\\.1:`));
    expect(run.stdout).toMatch(/\nNothing to fix before launch, \d+ warnings, \d+ passed/);
    expect(run.stdout).not.toMatch(/demo-password|sk_test_demo|pat-demo|whsec_demo/);
  }, 120_000);

  it("reports an embedded database another process holds open instead of opening it", async () => {
    const holder = await openDb({ dataDir: path.join(dataDir, "pglite") });
    try {
      const run = await doctor(demoEnv(), ["--json"]);
      expect(run.code, run.stderr).toBe(1);
      const { summary, checks } = JSON.parse(run.stdout) as {
        summary: { fail: number };
        checks: { id: string; status: string; detail: string }[];
      };
      const connection = checks.find((c) => c.id === "database.connection")!;
      expect(connection.status).toBe("fail");
      expect(connection.detail).toContain(
        `process ${process.pid} has it open (is the demo server running? stop it or set DATABASE_URL)`,
      );
      expect(summary.fail).toBe(1);
      expect(checks.find((c) => c.id === "integrations.stripe")!.status).toBe("pass");
    } finally {
      await holder.close();
    }
  }, 120_000);
});
