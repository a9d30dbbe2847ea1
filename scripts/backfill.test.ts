// `npm run backfill` as a founder runs it: a separate process, its environment, its exit status.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDb, openDb } from "@/db";
import { events } from "@/db/schema";
import * as control from "@/sandbox/client";
import { startSandbox, type Sandbox } from "@/sandbox";

type Run = { code: number | null; stdout: string; stderr: string };

function backfill(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/backfill.ts", ...args], {
      cwd: process.cwd(),
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
const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "backfill-empty-"));

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "backfill-data-"));
  const db = await openDb({ dataDir: path.join(dataDir, "pglite") });
  await migrateDb(db);
  await db.close();
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  for (const dir of [dataDir, emptyDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const envFor = (dir: string) => ({ STRIPE_API_BASE: sandbox.stripe.url, DATA_DIR: dir });

describe("npm run backfill", () => {
  it("refuses a bad --since with a clear message and exit 2, before touching the database", async () => {
    for (const args of [["--since", "yesterday"], ["--since"], ["--since=2026-02-30"], ["--from", "2026-11-01"]]) {
      const run = await backfill(envFor(emptyDir), args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain("Usage: npm run backfill");
    }
    const bad = await backfill(envFor(emptyDir), ["--since", "yesterday"]);
    expect(bad.stderr).toContain('--since "yesterday" is not a date such as 2026-11-01');
    const future = await backfill(envFor(emptyDir), ["--since", "2999-01-01"]);
    expect(future).toMatchObject({ code: 2, stderr: expect.stringContaining("in the future") });
    expect(fs.readdirSync(emptyDir)).toEqual([]);
  }, 120_000); // six runs of the script: ~3.5 s of CPU each, slower on a busy 2-core machine

  it("exits 1 with what to do on a database that is not migrated", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backfill-fresh-"));
    try {
      const run = await backfill(envFor(dir));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("run npm run db:migrate");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stores missed events (arrived by backfill) and reports the counts; a second run finds them already here", async () => {
    const created = Math.floor(Date.now() / 1000) - 3600;
    await control.seed(sandbox.stripe, {
      object: "event",
      id: "evt_cli_missed",
      type: "invoice.paid",
      created,
      data: { object: { id: "in_cli", object: "invoice" } },
    });
    const since = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const first = await backfill(envFor(dataDir), ["--since", since]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("fetched 1, stored 1, alreadyHad 0");
    expect(first.stdout).toContain("processes the new events within a minute");
    // Without --since: from the cursor minus its overlap, which the hour-old event is before.
    const next = await backfill(envFor(dataDir));
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("fetched 0, stored 0, alreadyHad 0");
    const second = await backfill(envFor(dataDir), ["--since", since]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("fetched 1, stored 0, alreadyHad 1");

    const handle = await openDb({ dataDir: path.join(dataDir, "pglite") });
    try {
      const rows = await handle.db
        .select()
        .from(events)
        .where(and(eq(events.source, "stripe"), eq(events.externalId, "evt_cli_missed")));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ arrivedVia: "backfill", status: "received", type: "invoice.paid" });
    } finally {
      await handle.close();
    }
  }, 90_000);
});
