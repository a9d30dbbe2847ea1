// Every minute: the Stripe events backfill when it is due (every STRIPE_BACKFILL_MINUTES since the last run,
// read at run time; 0 turns it off). The cursor row's lease keeps it to one run across processes.
import { cron } from "inngest";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { backfillIfDue } from "@/lib/backfill/stripe-events";
import { getServices } from "@/lib/integrations";
import { inngest } from "../client";

export const stripeBackfillFunction = inngest.createFunction(
  { id: "stripe-backfill", triggers: [cron("* * * * *")], retries: 1, concurrency: [{ limit: 1 }] },
  async ({ step }) =>
    step.run("backfill", async () => backfillIfDue(await getDb(), getServices().stripe, env.STRIPE_BACKFILL_MINUTES)),
);
