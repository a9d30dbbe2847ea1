// The database a terminal command works on: DATABASE_URL, else the embedded one in DATA_DIR (which the console
// must not hold open at the same time). Refuses, with what to do, a database that is not migrated.
import path from "node:path";
import { type DbHandle, migrationStatus, openDb } from "../../db";
import type { Env } from "../../lib/env";

/** The open database, or null after printing why it cannot be used (the caller exits 1). */
export async function openMigratedDb(env: Env): Promise<DbHandle | null> {
  const handle = await openDb(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: path.resolve(env.DATA_DIR, "pglite") },
  );
  const status = await migrationStatus(handle.db);
  if (status.current) return handle;
  console.error(
    `The database is not migrated (${status.applied}/${status.expected}): run npm run db:migrate (or start the console once) first.`,
  );
  await handle.close();
  return null;
}
