// `npm run import:stripe`: the adoption import from the terminal, on DATABASE_URL (or the embedded database,
// which the console must not hold open). Reads every Stripe customer (resuming where a paused or failed run
// stopped) and stores one import event per customer; the running server's sweeper processes them (customer,
// entitlement, HubSpot contact). Exits 2 on bad arguments, 1 when the configuration, the database or Stripe
// fails, or another run holds the import.
import { auditImportRun, importStripeCustomers } from "../lib/backfill/stripe-import";
import { EnvError, parseEnv } from "../lib/env";
import { createServices, servicesConfigOf } from "../lib/integrations";
import { openMigratedDb } from "./lib/migrated-db";

const USAGE = `Usage: npm run import:stripe
  Imports the Stripe customers who paid before the console was installed: one pipeline event each
  (customer, entitlement from the current subscription, HubSpot contact). Safe to run again: customers
  already imported are skipped; a stopped run goes on from its last page.`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (args.length) {
    console.error(`Unknown argument "${args[0]}".\n\n${USAGE}`);
    return 2;
  }
  const env = parseEnv(process.env);
  const handle = await openMigratedDb(env);
  if (!handle) return 1;
  try {
    const { stripe } = createServices(servicesConfigOf(env, 30_000));
    const actor = { id: null, email: "npm run import:stripe", role: "owner" as const, via: "system" as const };
    for (;;) {
      // The rows are the outbox: the running server's sweeper (inline or Inngest) picks them up.
      const result = await importStripeCustomers(handle.db, stripe, { enqueue: async () => {} });
      await auditImportRun(handle.db, actor, result);
      if (!result.ok) {
        console.error(`Import failed: ${result.error}`);
        return 1;
      }
      console.log(result.message);
      if (result.done) break;
    }
    console.log("The running server processes the imported customers within a minute (or at its next start).");
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof EnvError ? err.message : `Import failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  },
);
