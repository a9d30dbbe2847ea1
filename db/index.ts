// Picks the database: PostgreSQL (postgres-js) when DATABASE_URL is set, else embedded PGlite.
import path from "node:path";
import fs from "node:fs";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/**
 * Runs `work` in one transaction. The transaction is handed over as a `Db`, so every query of
 * db/queries/* runs inside it unchanged (drizzle types a transaction apart from the database).
 */
export function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(tx as unknown as Db));
}

export type DbHandle = { db: Db; driver: "postgres" | "pglite"; close: () => Promise<void> };

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

export async function openDb(opts: { url?: string; dataDir?: string } = {}): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
    const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Db;
    return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const release = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  // pg_trgm: trigram indexes serve the console's substring search (customers by email, name, external id).
  const client = new PGlite({ dataDir: opts.dataDir, extensions: { pg_trgm } });
  await client.waitReady;
  const dataDir = opts.dataDir;
  if (dataDir) restrictModes(dataDir);
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    close: async () => {
      await client.close();
      // Files PGlite made since the open (new tables, WAL segments) are left owner-only too.
      if (dataDir) restrictModes(dataDir);
      release();
    },
  };
}

/** Owner-only modes for the embedded database: directories 0700, files 0600. */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * PGlite writes its files world-readable and -writable (0666): walks the data directory and makes every
 * directory 0700 and every file 0600 (symbolic links are left alone). Explicit chmod rather than a process
 * umask, which would change the files every other part of the process writes.
 */
export function restrictModes(dir: string): void {
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        chmodIfNeeded(p, DATA_DIR_MODE);
        walk(p);
      } else if (entry.isFile()) chmodIfNeeded(p, DATA_FILE_MODE);
    }
  };
  chmodIfNeeded(dir, DATA_DIR_MODE);
  walk(dir);
}

let warnedNotOwner = false;

function chmodIfNeeded(p: string, mode: number): void {
  try {
    if ((fs.lstatSync(p).mode & 0o777) !== mode) fs.chmodSync(p, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return; // removed meanwhile (a temporary file)
    if (code !== "EPERM") throw err;
    // Owned by another user: this process cannot change it; say so once rather than refuse to start.
    if (!warnedNotOwner)
      process.emitWarning(`Cannot make ${p} owner-only (${mode.toString(8)}): it belongs to another user.`, {
        code: "OPS_DATA_DIR_MODE",
      });
    warnedNotOwner = true;
  }
}

/**
 * PGlite has no lock between processes: a second process opening the same folder sees stale data and can
 * corrupt it. A pid file next to it refuses the second opener with a clear message.
 */
function lockDataDir(dataDir: string): () => void {
  // New directories (DATA_DIR and its pglite folder) are owner-only from the start; an existing pglite folder
  // is made so before PGlite opens it. An existing DATA_DIR is left as it is: it may be a folder of the operator's.
  fs.mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  chmodIfNeeded(dataDir, DATA_DIR_MODE);
  const lockFile = path.join(dataDir, "..", `${path.basename(dataDir)}.pid`);
  try {
    const holder = Number(fs.readFileSync(lockFile, "utf8"));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${holder} (is the console or npm run demo already running?). Stop it, or set DATABASE_URL.`,
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Applies pending migrations; safe to run again, and serialised across processes on PostgreSQL. */
export async function migrateDb(handle: DbHandle): Promise<void> {
  if (handle.driver === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await handle.db.execute(sql`select pg_advisory_lock(7240501)`);
    try {
      await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await handle.db.execute(sql`select pg_advisory_unlock(7240501)`);
    }
    return;
  }
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** Number of migrations in the repository and number applied to this database. */
export async function migrationStatus(db: Db): Promise<{ expected: number; applied: number; current: boolean }> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  const rows = await rowsOf<{ n: number }>(
    db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`).catch(() => [{ n: 0 }]),
  );
  const applied = Number(rows[0]?.n ?? 0);
  return { expected: journal.entries.length, applied, current: applied >= journal.entries.length };
}

/** `db.execute` answers an array on postgres-js and `{ rows }` on PGlite; this hides the difference. */
export async function rowsOf<T>(result: Promise<unknown>): Promise<T[]> {
  const r = (await result) as { rows?: T[] } | T[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

const globalForDb = globalThis as unknown as { __opsDb?: Promise<DbHandle> };

/** The process-wide database, opened and migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.__opsDb ??= (async () => {
    const { env } = await import("@/lib/env");
    const handle = await openDb(
      env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: path.resolve(env.DATA_DIR, "pglite") },
    );
    await migrateDb(handle);
    return handle;
  })().catch((err) => {
    globalForDb.__opsDb = undefined;
    throw err;
  });
  return globalForDb.__opsDb;
}

/** Makes `handle` the process-wide database (tests and scripts that open their own). */
export function setDbHandle(handle: DbHandle | undefined): void {
  globalForDb.__opsDb = handle ? Promise.resolve(handle) : undefined;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
