// A fresh, migrated database per test file: a PGlite clone of a migrated template, or a new
// schema-isolated database on the PostgreSQL named by TEST_DATABASE_URL (CI runs both).
import { openDb, migrateDb, type DbHandle } from "./index";
import postgres from "postgres";

let template: Promise<import("@electric-sql/pglite").PGlite> | undefined;

export async function createTestDb(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const handle = await openDb({ url: u.toString() });
    await migrateDb(handle);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const a = postgres(url, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  template ??= (async () => {
    const base = await openDb();
    await migrateDb(base);
    return (base.db as unknown as { $client: import("@electric-sql/pglite").PGlite }).$client;
  })();
  const client = (await (await template).clone()) as InstanceType<typeof PGlite>;
  const schema = await import("./schema");
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as DbHandle["db"];
  return { db, driver: "pglite", close: () => client.close() };
}

/** Closes the migrated PGlite template of this test file's process (open instances keep it alive). */
export async function closeTestTemplate(): Promise<void> {
  if (!template) return;
  const t = template;
  template = undefined;
  await (await t).close();
}
