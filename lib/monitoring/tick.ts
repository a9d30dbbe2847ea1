// One pass of the operations loop (every minute: an Inngest cron, or a timer on the inline driver):
// evaluate the alert rules, run the launch checks that are due (lib/monitoring/readiness-watch.ts) and probe the
// public URL (uptime.ts), record the daily digest, post pending notifications, apply the data retention,
// and run the next slice of the hourly reconciliation (drift against Stripe, HubSpot and Zendesk). One tick at
// a time across every instance (lib/jobs/singleton.ts): a second instance's timer finds the lock taken and
// skips that minute, so notifications are not posted twice and the retention does not race itself.
import type { Db } from "@/db";
import { sumFinishedStepLatencyHours } from "@/db/queries/step-latency";
import { env } from "@/lib/env";
import { getServices } from "@/lib/integrations";
import { withSingleton } from "@/lib/jobs/singleton";
import { log } from "@/lib/log";
import { reconcileTick } from "@/lib/reconcile/periodic";
import type { ReconcileServices } from "@/lib/reconcile/reconcile";
import { applyRuleResults } from "./apply-rules";
import { recordDailyDigest } from "./digest";
import { deliverNotifications } from "./notifier";
import { runReadinessWatch } from "./readiness-watch";
import { applyRetention } from "./retention";
import { evaluateRules } from "./rules";
import { runUptimeProbe } from "./uptime";

/** Runs one tick, or answers `{ skipped }` when another instance (or this one) is running one. */
export async function runOpsTick(db: Db, now = new Date(), services?: ReconcileServices) {
  const run = await withSingleton(db, "ops-tick", () => opsTick(db, now, services));
  if (!run.ran) log.debug("ops.tick_skipped", { reason: "another tick is running" });
  return run.ran ? run.value : { skipped: "another tick is running" as const };
}

async function opsTick(db: Db, now: Date, services?: ReconcileServices) {
  const changes = await applyRuleResults(db, await evaluateRules(db, env.alertThresholds, now), now);
  // Before the notifier, so that an alert these open is posted in the same tick.
  const readiness = await guarded("readiness.watch_failed", () => runReadinessWatch(db, { now }));
  const uptime = await guarded("uptime.probe_failed", () =>
    runUptimeProbe(db, { appUrl: env.APP_URL, secret: env.AUTH_SECRET, now }),
  );
  // Each finished hour's step durations summed once, so the Latency page's 24 h / 7 d windows stay fast.
  await guarded("latency.sum_failed", () => sumFinishedStepLatencyHours(db, now));
  const digest = await recordDailyDigest(db, env.alertThresholds.digestHourUtc, now);
  const notifications = env.ALERT_WEBHOOK_URL
    ? await deliverNotifications(db, { url: env.ALERT_WEBHOOK_URL, consoleUrl: env.APP_URL }, now)
    : { sent: 0, failed: 0 };
  const retention = await applyRetention(db, env.PAYLOAD_RETENTION_DAYS, now);
  const reconcile = await reconcileSlice(db, now, services);
  const redacted = retention.payloads;
  const retained = Object.values(retention).some((n) => n > 0);
  if (changes.opened.length || changes.resolved.length || notifications.sent || retained)
    log.info("ops.tick", { ...changes, digest, ...notifications, redacted, retention });
  if (readiness && (readiness.opened.length || readiness.resolved.length))
    log.info("readiness.watch", { ...readiness });
  if (uptime && (uptime.opened || uptime.resolved || !uptime.state.ok))
    log.info("uptime.probe", {
      ok: uptime.state.ok,
      failures: uptime.state.consecutiveFailures,
      problems: uptime.state.problems,
    });
  if (reconcile && (reconcile.opened || reconcile.resolved || reconcile.failures.length))
    log.info("reconcile.tick", { ...reconcile });
  return { ...changes, digest, notifications, redacted, retention, reconcile, readiness, uptime };
}

/** The scheduled checks and the uptime probe never stop the rest of the tick: a failure is logged, retried next minute. */
async function guarded<T>(event: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    log.error(event, { error: err });
    return null;
  }
}

/** The reconciliation never stops the rest of the tick: a failure is logged and retried next minute. */
async function reconcileSlice(db: Db, now: Date, services?: ReconcileServices) {
  if (env.RECONCILE_MINUTES === 0) return null;
  try {
    return await reconcileTick(db, services ?? getServices(), now, { everyMs: env.RECONCILE_MINUTES * 60_000 });
  } catch (err) {
    log.error("reconcile.tick_failed", { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}
