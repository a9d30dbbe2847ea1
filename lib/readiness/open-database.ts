// Opens the configured database for `npm run doctor`, without migrating it or creating it. The
// embedded PGlite has no lock of its own: a second process opening it sees stale data and can damage
// it on close, so the doctor refuses to open a data directory another process holds open.
import fs from "node:fs";
import path from "node:path";
import { openDb, type DbHandle } from "@/db";
import type { Env } from "@/lib/env";
import { databaseLocation } from "./run";
import { DatabaseUnavailable, fail, warn, type DbAccess } from "./types";

export type OpenedDatabase = { access: () => Promise<DbAccess>; close: () => Promise<void> };

const OPEN_TIMEOUT_MS = 30_000;
const IN_USE_FIX =
  "Stop the running console or demo and run the doctor again, or set DATABASE_URL to a PostgreSQL database.";

/** Process ids (other than this one) with a file under `dir` open; [] where /proc is not available. */
export function processesUsing(dir: string): number[] {
  if (!fs.existsSync("/proc/self/fd")) return [];
  const root = `${fs.realpathSync(dir)}${path.sep}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's process
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${entry}/fd/${fd}`).startsWith(root)) {
          pids.push(Number(entry));
          break;
        }
      } catch {
        // the descriptor closed meanwhile
      }
    }
  }
  return pids;
}

/** Never throws: a database that cannot be used becomes a DatabaseUnavailable the checks report. */
export async function openDatabaseForChecks(env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): Promise<OpenedDatabase> {
  const location = databaseLocation(env);
  const unavailable = (err: DatabaseUnavailable): OpenedDatabase => ({
    access: () => Promise.reject(err),
    close: async () => {},
  });
  const opened = (handle: DbHandle): OpenedDatabase => ({
    access: async () => ({ db: handle.db, driver: handle.driver, location }),
    close: () => handle.close(),
  });
  if (env.DATABASE_URL) {
    try {
      return opened(await openDb({ url: env.DATABASE_URL }));
    } catch (err) {
      return unavailable(
        new DatabaseUnavailable(
          fail(`Could not connect to ${location}: ${(err as Error).message.split("\n")[0]}.`, "Check DATABASE_URL."),
        ),
      );
    }
  }
  const dir = path.resolve(env.DATA_DIR, "pglite");
  if (!fs.existsSync(path.join(dir, "PG_VERSION")))
    return unavailable(
      new DatabaseUnavailable(
        warn(
          `There is no embedded database in ${location} yet; the console creates and migrates it when it first starts.`,
          "Start the console once (npm run demo or npm start), or set DATABASE_URL to a PostgreSQL database.",
        ),
      ),
    );
  const holders = processesUsing(dir);
  if (holders.length)
    return unavailable(
      new DatabaseUnavailable(
        fail(
          `Could not open the embedded database in ${location}: process ${holders.join(", ")} has it open (is the demo server running? stop it or set DATABASE_URL).`,
          IN_USE_FIX,
        ),
      ),
    );
  try {
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not open within ${OPEN_TIMEOUT_MS / 1000} s`)),
        OPEN_TIMEOUT_MS,
      );
    });
    return opened(await Promise.race([openDb({ dataDir: dir }), slow]).finally(() => clearTimeout(timer)));
  } catch (err) {
    return unavailable(
      new DatabaseUnavailable(
        fail(
          `Could not open the embedded database in ${location} (is the demo server running? stop it or set DATABASE_URL): ${(err as Error).message.split("\n")[0]}.`,
          IN_USE_FIX,
        ),
      ),
    );
  }
}
