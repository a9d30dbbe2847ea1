import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and applied by db/index.ts (migrateDb: `npm run db:migrate`
// and start-up) on PGlite and PostgreSQL alike. This file is tooling, so it reads process.env itself.
//
// `drizzle-kit generate` needs no database. The commands that connect (migrate, push, pull, studio)
// use DATABASE_URL, and stop with an explanation when it is unset.
const url = process.env.DATABASE_URL;
const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const CONNECTING = ["migrate", "push", "pull", "introspect", "studio"];
if (!url && command && CONNECTING.includes(command)) {
  const pglite = command === "migrate" ? " For the embedded PGlite database, run `npm run db:migrate` instead." : "";
  throw new Error(
    `drizzle-kit ${command} connects to PostgreSQL: set DATABASE_URL, e.g. ` +
      `DATABASE_URL=postgres://user:pass@127.0.0.1:5432/ops npx drizzle-kit ${command}.${pglite}`,
  );
}

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
  // The same bookkeeping table as the app's migrator (drizzle-orm's default, drizzle.__drizzle_migrations),
  // so a database migrated by either one is up to date for the other.
  migrations: { table: "__drizzle_migrations", schema: "drizzle" },
  ...(url ? { dbCredentials: { url } } : {}),
});
