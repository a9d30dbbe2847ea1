// The backfill as the app runs it: on demand (the admin API, the console's button; audited) and on a
// schedule (the inline driver's timer, the Inngest cron; logged), on this process's database and Stripe.
import { getDb } from "@/db";
import { audit } from "@/db/queries/audit";
import type { Actor } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { getServices } from "@/lib/integrations";
import { withSingleton } from "@/lib/jobs/singleton";
import { log } from "@/lib/log";
import { type BackfillResult, backfillIfDue, backfillStripeEvents } from "./stripe-events";

/** Runs the Stripe events backfill now, from `since` or the cursor; audited as `stripe.backfill`. */
export async function backfillStripeNow(actor: Actor, input: { since?: Date } = {}): Promise<BackfillResult> {
  const db = await getDb();
  const result = await backfillStripeEvents(db, getServices().stripe, { since: input.since });
  await audit(db, actor, "stripe.backfill", null, {
    since: input.since?.toISOString() ?? null,
    ...(result.ok
      ? {
          fetched: result.fetched,
          stored: result.stored,
          alreadyHad: result.alreadyHad,
          olderThanWindow: result.olderThanWindow,
        }
      : { refused: result.status, error: result.error }),
  });
  return result;
}

/**
 * The scheduled run: every STRIPE_BACKFILL_MINUTES (0: off); `startup` runs whatever the last run's age. One
 * instance at a time (lib/jobs/singleton.ts): the others skip quietly rather than each meeting the cursor's
 * lease and logging a 409 (the lease still guards the on-demand runs).
 */
export async function scheduledStripeBackfill(trigger: "startup" | "schedule"): Promise<void> {
  const db = await getDb();
  const run = await withSingleton(db, "stripe-backfill", () =>
    backfillIfDue(db, getServices().stripe, env.STRIPE_BACKFILL_MINUTES, { force: trigger === "startup" }),
  );
  if (!run.ran) return log.debug("backfill.stripe_skipped", { trigger, reason: "another instance is running it" });
  const result = run.value;
  if (!result.ok) {
    // Another process running it is normal; anything else is worth a look.
    if (result.status === 409) log.info("backfill.stripe_busy", { trigger, message: result.error });
    else log.warn("backfill.stripe_failed", { trigger, status: result.status, error: result.error });
  } else if ("ran" in result) log.debug("backfill.stripe_not_due", { trigger, reason: result.reason });
  else
    log[result.stored ? "warn" : "info"]("backfill.stripe", {
      trigger,
      fetched: result.fetched,
      stored: result.stored,
      alreadyHad: result.alreadyHad,
      since: result.since,
      olderThanWindow: result.olderThanWindow,
    });
}
