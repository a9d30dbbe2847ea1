// One pass of the operations loop (every minute: an Inngest cron, or a timer on the inline driver):
// evaluate the alert rules, record the daily digest, post pending notifications, apply the data retention.
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { applyRuleResults } from "./apply-rules";
import { recordDailyDigest } from "./digest";
import { deliverNotifications } from "./notifier";
import { applyRetention } from "./retention";
import { evaluateRules } from "./rules";

export async function runOpsTick(db: Db, now = new Date()) {
  const changes = await applyRuleResults(db, await evaluateRules(db, env.alertThresholds, now), now);
  const digest = await recordDailyDigest(db, env.alertThresholds.digestHourUtc, now);
  const notifications = env.ALERT_WEBHOOK_URL
    ? await deliverNotifications(db, { url: env.ALERT_WEBHOOK_URL, consoleUrl: env.APP_URL }, now)
    : { sent: 0, failed: 0 };
  const retention = await applyRetention(db, env.PAYLOAD_RETENTION_DAYS, now);
  const redacted = retention.payloads;
  const retained = Object.values(retention).some((n) => n > 0);
  if (changes.opened.length || changes.resolved.length || notifications.sent || retained)
    log.info("ops.tick", { ...changes, digest, ...notifications, redacted, retention });
  return { ...changes, digest, notifications, redacted, retention };
}
