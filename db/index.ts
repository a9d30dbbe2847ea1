// Picks the database: PostgreSQL (postgres-js) when DATABASE_URL is set, else embedded PGlite.
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgSession } from "drizzle-orm/pg-core";
import { type SQL, sql } from "drizzle-orm";
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
  const release = opts.dataDir ? await lockDataDir(opts.dataDir) : () => {};
  // pg_trgm: trigram indexes serve the console's substring search (customers by email, name, external id).
  let client: InstanceType<typeof PGlite>;
  try {
    client = new PGlite({ dataDir: opts.dataDir, extensions: { pg_trgm } });
    await client.waitReady;
  } catch (err) {
    release();
    throw err;
  }
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
 * corrupt it. The lock is a listening Unix socket whose name is derived from the folder: the kernel releases
 * it when its process ends, however it ends (kill -9, a crash, a reboot), so a stale lock cannot keep the
 * console down, and a live holder cannot be mistaken for a dead one (no pid file, no pid reuse). On Linux
 * the socket is in the abstract namespace (no file; bind is atomic); elsewhere it is a socket file in the
 * temporary folder, removed and taken over when nobody answers on it. A second opener is refused with the
 * holder's pid, which the holder answers on the socket. One process may open the same folder more than once.
 */
const heldLocks = new Map<string, { count: number; server: net.Server }>();

/** Where the lock of `dataDir` lives (exported for tests). */
export function lockAddress(dataDir: string): string {
  const id = createHash("sha256").update(fs.realpathSync(dataDir)).digest("hex").slice(0, 32);
  return process.platform === "linux"
    ? `\0ops-console-pglite-${id}`
    : path.join(os.tmpdir(), `ops-console-pglite-${id}.sock`);
}

async function lockDataDir(dataDir: string): Promise<() => void> {
  // New directories (DATA_DIR and its pglite folder) are owner-only from the start; an existing pglite folder
  // is made so before PGlite opens it. An existing DATA_DIR is left as it is: it may be a folder of the operator's.
  fs.mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  chmodIfNeeded(dataDir, DATA_DIR_MODE);
  // The pid file of earlier versions: never trusted, removed so that it misleads nobody.
  fs.rmSync(path.join(dataDir, "..", `${path.basename(dataDir)}.pid`), { force: true });
  const address = lockAddress(dataDir);
  let held = heldLocks.get(address);
  if (!held) {
    const server = await listenOnce(address).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== "EADDRINUSE") throw err;
      const holder = await askHolder(address);
      // A socket file nobody listens on (non-Linux, after a crash): take it over once.
      if (holder === "nobody" && !address.startsWith("\0")) {
        fs.rmSync(address, { force: true });
        return listenOnce(address);
      }
      throw new Error(
        `The embedded database in ${dataDir} is in use by ${typeof holder === "number" ? `process ${holder}` : "another process"} (is the console or npm run demo already running?). Stop it, or set DATABASE_URL.`,
      );
    });
    held = { count: 0, server };
    heldLocks.set(address, held);
  }
  held.count++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const h = heldLocks.get(address);
    if (!h || --h.count > 0) return;
    heldLocks.delete(address);
    h.server.close();
  };
}

/** Listens on `address`, answering every connection with this process's pid; does not keep the process alive. */
function listenOnce(address: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => {});
      socket.end(String(process.pid));
    });
    server.once("error", reject);
    server.listen(address, () => {
      server.off("error", reject);
      server.on("error", () => {});
      server.unref();
      resolve(server);
    });
  });
}

/** Who holds the lock: its pid, "unknown" (it did not answer in time), or "nobody" (no one listens). */
function askHolder(address: string): Promise<number | "unknown" | "nobody"> {
  return new Promise((resolve) => {
    let answer = "";
    const socket = net.connect(address);
    const done = (v: number | "unknown" | "nobody") => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done("unknown"), 2_000);
    socket.setEncoding("utf8");
    socket.on("data", (d) => {
      answer += d;
    });
    socket.on("end", () => done(Number(answer) > 0 ? Number(answer) : "unknown"));
    socket.on("error", (err: NodeJS.ErrnoException) =>
      done(err.code === "ECONNREFUSED" || err.code === "ENOENT" ? "nobody" : "unknown"),
    );
  });
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

/**
 * `db.execute` for the hot raw statements, prepared: PostgreSQL parses it once per connection and, after a few
 * calls, keeps one plan (postgres-js names the statement by its text). `db.execute` sends an unnamed statement,
 * parsed and planned again on every call. One text per call shape: each distinct text is kept per connection.
 */
export function executePrepared<T>(db: Db, query: SQL): Promise<T[]> {
  const { session, dialect } = db as unknown as { session: PgSession; dialect: PgDialect };
  return rowsOf<T>(session.prepareQuery(dialect.sqlToQuery(query), undefined, "prepared", false).execute());
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
