// Database and webhook-freshness checks on real databases: a migrated PGlite clone, an empty one,
// one that cannot be opened; events placed in time with an injected clock.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, migrateDb, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { events } from "@/db/schema";
import { openDatabaseForChecks } from "./open-database";
import { runReadinessChecks } from "./run";
import { DatabaseUnavailable, fail, type DbAccess, type ReadinessCheck } from "./types";

const DEV = { NODE_ENV: "development" };
const PROD_DEMO_FREE = { NODE_ENV: "production" };
const NOW = new Date("2031-03-01T12:00:00Z");

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const access =
  (h: DbHandle): (() => Promise<DbAccess>) =>
  async () => ({ db: h.db, driver: h.driver, location: "test database" });

async function byId(opts: Parameters<typeof runReadinessChecks>[0]): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({
    groups: ["database", "webhooks"],
    now: () => NOW,
    timeoutMs: 20_000,
    ...opts,
  });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

let n = 0;
async function addEvent(source: "stripe" | "app", status: "received" | "processing" | "succeeded", receivedAt: Date) {
  n += 1;
  await handle.db.insert(events).values({
    source,
    externalId: `evt_readiness_${n}`,
    type: "test.event",
    status,
    correlationId: `cor_${n}`,
    receivedAt,
  });
}

describe("database checks", () => {
  it("pass on a reachable, migrated database", async () => {
    const c = await byId({ env: DEV, db: access(handle) });
    expect(c["database.connection"]).toMatchObject({ status: "pass" });
    expect(c["database.connection"].detail).toMatch(
      /^(Embedded PGlite|PostgreSQL) at test database answered in \d+ ms\.$/,
    );
    expect(c["database.migrations"]).toMatchObject({ status: "pass" });
    expect(c["database.migrations"].detail).toMatch(/^All \d+ migrations applied\.$/);
  });

  it("warn about the embedded database outside production and fail it in production", async () => {
    if (handle.driver !== "pglite") return;
    expect((await byId({ env: DEV, db: access(handle) }))["database.engine"].status).toBe("warn");
    const prod = await byId({ env: PROD_DEMO_FREE, db: access(handle) });
    expect(prod["database.engine"]).toMatchObject({ status: "fail" });
    expect(prod["database.engine"].fix).toContain("DATABASE_URL");
  });

  it("fail when migrations are pending", async () => {
    const empty = await openDb();
    try {
      const c = await byId({ env: DEV, db: access(empty) });
      expect(c["database.migrations"]).toMatchObject({ status: "fail" });
      expect(c["database.migrations"].detail).toMatch(/^0 of \d+ migrations applied/);
      expect(c["database.migrations"].fix).toContain("npm run db:migrate");
    } finally {
      await empty.close();
    }
  });

  it("fail when the database cannot be opened, and mark the checks that need it as not checked", async () => {
    const c = await byId({ env: DEV, db: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")) });
    expect(c["database.connection"]).toMatchObject({
      status: "fail",
      detail: "Could not open the database: connect ECONNREFUSED 127.0.0.1:1.",
    });
    for (const id of ["database.engine", "database.migrations", "webhooks.stripe", "webhooks.app", "webhooks.backlog"])
      expect(c[id].detail, id).toMatch(/^Not checked: the database could not be opened/);
  });

  it("report a DatabaseUnavailable outcome as given", async () => {
    const outcome = fail(
      "Could not open the embedded database (is the demo server running? stop it or set DATABASE_URL).",
      "Stop it.",
    );
    const c = await byId({ env: DEV, db: () => Promise.reject(new DatabaseUnavailable(outcome)) });
    expect(c["database.connection"]).toMatchObject(outcome);
  });

  it("fail a database that never answers within the budget", async () => {
    const c = await byId({ env: DEV, db: () => new Promise<never>(() => {}), timeoutMs: 300, groups: ["database"] });
    expect(c["database.connection"]).toMatchObject({ status: "fail", detail: "Did not finish within 0.3 s." });
    expect(c["database.connection"].fix).toContain("DATABASE_URL");
  });
});

describe("webhook freshness checks", () => {
  it("warn when no event ever arrived, naming the endpoint to register", async () => {
    const c = await byId({ env: { ...DEV, APP_URL: "https://ops.example.com" }, db: access(handle) });
    expect(c["webhooks.stripe"]).toMatchObject({ status: "warn", detail: "No Stripe event has ever arrived." });
    expect(c["webhooks.stripe"].fix).toContain("https://ops.example.com/api/webhooks/stripe");
    expect(c["webhooks.app"]).toMatchObject({ status: "warn", detail: "No app event has ever arrived." });
    expect(c["webhooks.backlog"]).toMatchObject({ status: "pass", detail: "Nothing is waiting to be processed." });
  });

  it("show when the last events arrived, and pass a young backlog", async () => {
    await addEvent("stripe", "succeeded", new Date(NOW.getTime() - 3 * 60_000));
    await addEvent("app", "succeeded", new Date(NOW.getTime() - 2 * 3600_000));
    await addEvent("app", "received", new Date(NOW.getTime() - 40_000));
    const c = await byId({ env: DEV, db: access(handle) });
    expect(c["webhooks.stripe"]).toMatchObject({
      status: "pass",
      detail: "The last Stripe event arrived 3 minutes ago (2031-03-01T11:57:00Z).",
    });
    expect(c["webhooks.app"].detail).toContain("40 seconds ago");
    expect(c["webhooks.backlog"]).toMatchObject({
      status: "pass",
      detail: "1 event waiting; the oldest arrived 40 seconds ago (2031-03-01T11:59:20Z).",
    });
  });

  it("warn when the oldest unprocessed event is older than 5 minutes", async () => {
    await addEvent("stripe", "processing", new Date(NOW.getTime() - 12 * 60_000));
    const c = await byId({ env: DEV, db: access(handle) });
    expect(c["webhooks.backlog"].status).toBe("warn");
    expect(c["webhooks.backlog"].detail).toBe(
      "2 events waiting; the oldest arrived 12 minutes ago (2031-03-01T11:48:00Z). That is more than 5 minutes.",
    );
    expect(c["webhooks.backlog"].fix).toContain("sweeper");
  });
});

describe("opening the database for the doctor", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-db-"));
    dirs.push(d);
    return d;
  };

  it("does not create an embedded database that does not exist yet", async () => {
    const dir = tempDir();
    const opened = await openDatabaseForChecks({ DATABASE_URL: undefined, DATA_DIR: dir });
    const c = await byId({ env: DEV, db: opened.access, groups: ["database"] });
    expect(c["database.connection"]).toMatchObject({ status: "warn" });
    expect(c["database.connection"].detail).toContain("no embedded database");
    expect(fs.existsSync(path.join(dir, "pglite"))).toBe(false);
  });

  it("opens an existing embedded database without migrating it", async () => {
    const dir = tempDir();
    const made = await openDb({ dataDir: path.join(dir, "pglite") });
    await migrateDb(made);
    await made.close();
    const opened = await openDatabaseForChecks({ DATABASE_URL: undefined, DATA_DIR: dir });
    try {
      const c = await byId({ env: DEV, db: opened.access, groups: ["database"] });
      expect(c["database.connection"].status).toBe("pass");
      expect(c["database.migrations"].status).toBe("pass");
    } finally {
      await opened.close();
    }
  });
});
