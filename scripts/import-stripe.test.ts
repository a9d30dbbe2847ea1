// `npm run import:stripe` as a founder runs it: a separate process, its environment, its exit status.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDb, openDb } from "@/db";
import { events } from "@/db/schema";
import * as control from "@/sandbox/client";
import { startSandbox, type Sandbox } from "@/sandbox";
import { IMPORTED_CUSTOMER_TYPE } from "@/lib/pipeline/handlers/stripe/customer-imported";

type Run = { code: number | null; stdout: string; stderr: string };

function importStripe(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/import-stripe.ts", ...args], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.tmpdir(),
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

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "import-data-"));
  const db = await openDb({ dataDir: path.join(dataDir, "pglite") });
  await migrateDb(db);
  await db.close();
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run import:stripe", () => {
  it("refuses an unknown argument with the usage and exit 2", async () => {
    const run = await importStripe({ STRIPE_API_BASE: sandbox.stripe.url, DATA_DIR: dataDir }, ["--all"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown argument "--all"');
    expect(run.stderr).toContain("Usage: npm run import:stripe");
  });

  it("stores one import event per Stripe customer, and a second run stores nothing new", async () => {
    await control.seed(sandbox.stripe, [
      { object: "customer", id: "cus_cli_1", email: "one@example.com" },
      { object: "customer", id: "cus_cli_2", email: "two@example.com" },
    ]);
    const env = { STRIPE_API_BASE: sandbox.stripe.url, DATA_DIR: dataDir };
    const first = await importStripe(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Import finished: 2 Stripe customers read this pass, 2 queued");
    const second = await importStripe(env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("0 queued for the pipeline, 2 imported before");
    const db = await openDb({ dataDir: path.join(dataDir, "pglite") });
    try {
      const rows = await db.db.select().from(events).where(eq(events.type, IMPORTED_CUSTOMER_TYPE));
      expect(rows.map((r) => r.externalId).sort()).toEqual(["import_cus_cli_1", "import_cus_cli_2"]);
      expect(rows.every((r) => r.status === "received" && r.arrivedVia === "import")).toBe(true);
    } finally {
      await db.close();
    }
  });
});
