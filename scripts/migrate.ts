// `npm run db:migrate`: apply pending migrations to DATABASE_URL (or the embedded database).
import path from "node:path";
import { openDb, migrateDb, migrationStatus } from "../db";
import { parseEnv, EnvError } from "../lib/env";

async function main() {
  const env = parseEnv(process.env);
  const handle = await openDb(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: path.resolve(env.DATA_DIR, "pglite") },
  );
  try {
    await migrateDb(handle);
    const status = await migrationStatus(handle.db);
    console.log(`Migrations applied on ${handle.driver}: ${status.applied}/${status.expected}.`);
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(
    err instanceof EnvError ? err.message : `Migration failed: ${err instanceof Error ? err.message : err}`,
  );
  process.exit(1);
});
