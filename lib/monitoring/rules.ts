// Ops alert rules: each measures one sign of a broken flow over a recent window and says whether it fires.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import type { Env } from "@/lib/env";
import { paymentDelayP95 } from "@/db/queries/flow-figures";

export type Thresholds = Env["alertThresholds"];
export type RuleId = "failure-rate" | "failed-webhooks" | "payment-entitlement-delay" | "payment-crm-delay" | "support-failures" | "auth-errors" | "backlog";
export type RuleResult = { rule: RuleId; firing: boolean; title: string; message: string; severity: "warning" | "critical"; value: number | string | null };

async function one<T>(db: Db, query: ReturnType<typeof sql>): Promise<T> {
  return (await rowsOf<T>(db.execute(query)))[0]!;
}

export async function evaluateRules(db: Db, t: Thresholds, now = new Date()): Promise<RuleResult[]> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const windowStart = new Date(now.getTime() - t.failedWebhooksMinutes * 60_000);
  const counts = await one<{ failed: number; done: number; recent_failed: number; support_failed: number; oldest: string | null }>(
    db,
    sql`select count(*) filter (where status = 'failed' and received_at >= ${hourAgo.toISOString()}::timestamptz)::int as failed,
               count(*) filter (where status in ('succeeded', 'failed') and received_at >= ${hourAgo.toISOString()}::timestamptz)::int as done,
               count(*) filter (where status = 'failed' and received_at >= ${windowStart.toISOString()}::timestamptz)::int as recent_failed,
               count(*) filter (where status = 'failed' and type = 'support.requested' and received_at >= ${hourAgo.toISOString()}::timestamptz)::int as support_failed,
               min(received_at) filter (where status in ('received', 'processing')) as oldest
        from events where received_at >= ${hourAgo.toISOString()}::timestamptz or status in ('received', 'processing')`,
  );
  const authRows = await rowsOf<{ service: string }>(
    db.execute(sql`select distinct split_part(last_error, ' ', 1) as service from event_steps
                   where status = 'failed' and error_status in (401, 403) and updated_at >= ${hourAgo.toISOString()}::timestamptz`),
  );
  const [entitlementP95, crmP95] = await Promise.all([paymentDelayP95(db, "update-entitlement", hourAgo), paymentDelayP95(db, "sync-crm", hourAgo)]);
  const rate = counts.done > 0 ? (counts.failed / counts.done) * 100 : 0;
  const backlogMinutes = counts.oldest ? (now.getTime() - new Date(counts.oldest).getTime()) / 60_000 : 0;
  const services = authRows.map((r) => r.service.replace(/:$/, "")).filter(Boolean);
  const s = (n: number) => n.toFixed(1).replace(/\.0$/, "");
  return [
    { rule: "failure-rate", firing: counts.done > 0 && rate > t.failureRatePercent, severity: "critical", value: Number(rate.toFixed(2)), title: `Webhook failure rate ${s(rate)}% over the last hour`, message: `${counts.failed} of ${counts.done} events processed in the last hour failed (threshold ${t.failureRatePercent}%). Open Events → Failed to see why and replay.` },
    { rule: "failed-webhooks", firing: counts.recent_failed >= t.failedWebhooks, severity: "warning", value: counts.recent_failed, title: `${counts.recent_failed} failed webhooks in ${t.failedWebhooksMinutes} minutes`, message: `At least ${t.failedWebhooks} events failed in the last ${t.failedWebhooksMinutes} minutes.` },
    { rule: "payment-entitlement-delay", firing: entitlementP95 !== null && entitlementP95 > t.paymentDelayP95Seconds, severity: "critical", value: entitlementP95, title: `Payments take ${s(entitlementP95 ?? 0)} s (p95) to unlock the plan`, message: `The p95 delay from a Stripe payment to the entitlement was ${s(entitlementP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s): paying customers wait for access.` },
    { rule: "payment-crm-delay", firing: crmP95 !== null && crmP95 > t.paymentDelayP95Seconds, severity: "warning", value: crmP95, title: `Payments take ${s(crmP95 ?? 0)} s (p95) to reach HubSpot`, message: `The p95 delay from a Stripe payment to the HubSpot contact was ${s(crmP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s).` },
    { rule: "support-failures", firing: counts.support_failed > t.supportFailuresPerHour, severity: "critical", value: counts.support_failed, title: `${counts.support_failed} support requests failed to reach Zendesk`, message: `More than ${t.supportFailuresPerHour} support requests failed in the last hour: customers asked for help and no ticket exists yet.` },
    { rule: "auth-errors", firing: services.length > 0, severity: "critical", value: services.join(", ") || null, title: `Credentials refused by ${services.join(", ") || "a service"}`, message: `${services.join(", ")} answered 401/403 in the last hour: a token was revoked or lacks a scope. Check Readiness, fix the credential, then replay.` },
    { rule: "backlog", firing: backlogMinutes > t.backlogMinutes, severity: "critical", value: Number(backlogMinutes.toFixed(1)), title: `Events waiting for ${s(backlogMinutes)} minutes`, message: `The oldest unprocessed event arrived ${s(backlogMinutes)} minutes ago (threshold ${t.backlogMinutes}): the job runner may be down.` },
  ];
}
