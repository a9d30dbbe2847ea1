// `npm run backfill [-- --since 2026-11-01]`: the Stripe events backfill from the terminal, on DATABASE_URL
// (or the embedded database, which the console must not hold open). Stores the events that never arrived
// (arrived_via = backfill); the server's sweeper processes them within a minute, or at its next start.
// Exits 2 on bad arguments, 1 when the configuration, the database or Stripe fails, or a run is going.
import { audit } from "../db/queries/audit";
import { backfillStripeEvents } from "../lib/backfill/stripe-events";
import { SINCE_HINT, parseSince } from "../lib/backfill/since";
import { EnvError, parseEnv } from "../lib/env";
import { createServices, servicesConfigOf } from "../lib/integrations";
import { openMigratedDb } from "./lib/migrated-db";

const USAGE = `Usage: npm run backfill [-- --since <date>]
  --since <date>  read Stripe's events from this date (${SINCE_HINT});
                  default: from where the last run stopped (10 minutes of overlap), or the last 3 days.`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { since?: Date; help?: boolean } {
  const out: { since?: Date; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") out.help = true;
    else if (arg === "--since" || arg.startsWith("--since=")) {
      const value = arg === "--since" ? argv[++i] : arg.slice("--since=".length);
      if (value === undefined || value === "") throw new UsageError(`--since needs a value: ${SINCE_HINT}.`);
      const since = parseSince(value.trim());
      if (!since) throw new UsageError(`--since "${value}" is not ${SINCE_HINT}.`);
      if (since.getTime() > Date.now()) throw new UsageError(`--since "${value}" is in the future: give a past date.`);
      out.since = since;
    } else throw new UsageError(`Unknown argument "${arg}".`);
  }
  return out;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const env = parseEnv(process.env);
  const handle = await openMigratedDb(env);
  if (!handle) return 1;
  try {
    const { stripe } = createServices(servicesConfigOf(env, 30_000));
    // The rows are the outbox: the running server's sweeper (inline or Inngest) picks them up.
    const result = await backfillStripeEvents(handle.db, stripe, { since: args.since, enqueue: async () => {} });
    await audit(
      handle.db,
      { id: null, email: "npm run backfill", role: "owner", via: "system" },
      "stripe.backfill",
      null,
      {
        since: args.since?.toISOString() ?? null,
        ...(result.ok
          ? { fetched: result.fetched, stored: result.stored, alreadyHad: result.alreadyHad }
          : { refused: result.status, error: result.error }),
      },
    );
    if (!result.ok) {
      console.error(`Backfill failed: ${result.error}`);
      return 1;
    }
    console.log(result.message);
    console.log(
      `fetched ${result.fetched}, stored ${result.stored}, alreadyHad ${result.alreadyHad} (read from ${result.since} to ${result.until}).`,
    );
    if (result.stored)
      console.log("The running server processes the new events within a minute (or at its next start).");
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof EnvError ? err.message : `Backfill failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  },
);
