// Database checks: it answers, it is PostgreSQL in production, and every migration is applied.
import { sql } from "drizzle-orm";
import { migrationStatus } from "@/db";
import {
  DatabaseUnavailable,
  fail,
  failInProduction,
  pass,
  warn,
  type CheckDefinition,
  type DbAccess,
  type Outcome,
  type ReadinessContext,
} from "./types";

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);

/** The database, or the outcome to show instead: its own for the connection check, "not checked" for the others. */
export async function withDatabase(
  ctx: ReadinessContext,
  use: (access: DbAccess) => Promise<Outcome>,
  own = false,
): Promise<Outcome> {
  let access: DbAccess;
  try {
    access = await ctx.db();
  } catch (err) {
    if (own) {
      if (err instanceof DatabaseUnavailable) return err.outcome;
      return fail(`Could not open the database: ${firstLine(err)}.`, DATABASE_FIX);
    }
    return warn(
      "Not checked: the database could not be opened (see Database reachable).",
      "Fix the database connection first.",
    );
  }
  return use(access);
}

const DATABASE_FIX =
  "Check DATABASE_URL (host, port, user, password, database name) and that this server may connect to it.";

export const databaseChecks: CheckDefinition[] = [
  {
    id: "database.connection",
    group: "database",
    title: "Database reachable",
    timeoutFix: DATABASE_FIX,
    run: (ctx) =>
      withDatabase(
        ctx,
        async ({ db, driver, location }) => {
          const started = performance.now();
          try {
            await db.execute(sql`select 1`);
          } catch (err) {
            return fail(`${location} did not answer: ${firstLine(err)}.`, DATABASE_FIX);
          }
          const ms = Math.round(performance.now() - started);
          return pass(
            `${driver === "postgres" ? "PostgreSQL" : "Embedded PGlite"} at ${location} answered in ${ms} ms.`,
          );
        },
        true,
      ),
  },
  {
    id: "database.engine",
    group: "database",
    title: "PostgreSQL in production",
    run: (ctx) =>
      withDatabase(ctx, async ({ driver, location }) =>
        driver === "postgres"
          ? pass("PostgreSQL, from DATABASE_URL.")
          : failInProduction(
              ctx,
              `Embedded PGlite in ${location}: one process on one disk, meant for the demo.`,
              "Set DATABASE_URL to a PostgreSQL database (any managed one) and run npm run db:migrate.",
            ),
      ),
  },
  {
    id: "database.migrations",
    group: "database",
    title: "Migrations current",
    run: (ctx) =>
      withDatabase(ctx, async ({ db }) => {
        const { applied, expected } = await migrationStatus(db);
        if (applied === expected) return pass(`All ${expected} migrations applied.`);
        if (applied > expected)
          return warn(
            `The database has ${applied} migrations; this code knows ${expected}: it is older than the database.`,
            "Deploy the current code before launch.",
          );
        return fail(
          `${applied} of ${expected} migrations applied: ${expected - applied} pending.`,
          "Run npm run db:migrate (the server also applies them when it starts).",
        );
      }),
  },
];
