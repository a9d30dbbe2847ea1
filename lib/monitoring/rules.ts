// Ops alert rules: each measures one sign of a broken flow over a recent window and says whether it fires.
import type { Db } from "@/db";
import { ruleWindowCounts, servicesRefusingCredentials } from "@/db/queries/event-metrics";
import { paymentDelayP95 } from "@/db/queries/flow-figures";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Env } from "@/lib/env";

export type Thresholds = Env["alertThresholds"];
export type RuleId =
  | "failure-rate"
  | "failed-webhooks"
  | "payment-entitlement-delay"
  | "payment-crm-delay"
  | "support-failures"
  | "auth-errors"
  | "backlog";
export type RuleResult = {
  rule: RuleId;
  firing: boolean;
  title: string;
  message: string;
  severity: "warning" | "critical";
  value: number | string | null;
};

export async function evaluateRules(db: Db, t: Thresholds, now = new Date()): Promise<RuleResult[]> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const windowStart = new Date(now.getTime() - t.failedWebhooksMinutes * 60_000);
  const counts = await ruleWindowCounts(db, hourAgo, windowStart);
  const services = await servicesRefusingCredentials(db, hourAgo);
  const [entitlementP95, crmP95] = await Promise.all([
    paymentDelayP95(db, STEP.updateEntitlement, hourAgo),
    paymentDelayP95(db, STEP.syncCrm, hourAgo),
  ]);
  const rate = counts.done > 0 ? (counts.failed / counts.done) * 100 : 0;
  const backlogMinutes = counts.oldestWaiting ? (now.getTime() - counts.oldestWaiting.getTime()) / 60_000 : 0;
  const s = (n: number) => n.toFixed(1).replace(/\.0$/, "");
  return [
    {
      rule: "failure-rate",
      firing: counts.done > 0 && rate > t.failureRatePercent,
      severity: "critical",
      value: Number(rate.toFixed(2)),
      title: `Webhook failure rate ${s(rate)}% over the last hour`,
      message: `${counts.failed} of ${counts.done} events processed in the last hour failed (threshold ${t.failureRatePercent}%). Open Events → Failed to see why and replay.`,
    },
    {
      rule: "failed-webhooks",
      firing: counts.recentFailed >= t.failedWebhooks,
      severity: "warning",
      value: counts.recentFailed,
      title: `${counts.recentFailed} failed webhooks in ${t.failedWebhooksMinutes} minutes`,
      message: `At least ${t.failedWebhooks} events failed in the last ${t.failedWebhooksMinutes} minutes.`,
    },
    {
      rule: "payment-entitlement-delay",
      firing: entitlementP95 !== null && entitlementP95 > t.paymentDelayP95Seconds,
      severity: "critical",
      value: entitlementP95,
      title: `Payments take ${s(entitlementP95 ?? 0)} s (p95) to unlock the plan`,
      message: `The p95 delay from a Stripe payment to the entitlement was ${s(entitlementP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s): paying customers wait for access.`,
    },
    {
      rule: "payment-crm-delay",
      firing: crmP95 !== null && crmP95 > t.paymentDelayP95Seconds,
      severity: "warning",
      value: crmP95,
      title: `Payments take ${s(crmP95 ?? 0)} s (p95) to reach HubSpot`,
      message: `The p95 delay from a Stripe payment to the HubSpot contact was ${s(crmP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s).`,
    },
    {
      rule: "support-failures",
      firing: counts.supportFailed > t.supportFailuresPerHour,
      severity: "critical",
      value: counts.supportFailed,
      title: `${counts.supportFailed} support requests failed to reach Zendesk`,
      message: `More than ${t.supportFailuresPerHour} support requests failed in the last hour: customers asked for help and no ticket exists yet.`,
    },
    {
      rule: "auth-errors",
      firing: services.length > 0,
      severity: "critical",
      value: services.join(", ") || null,
      title: `Credentials refused by ${services.join(", ") || "a service"}`,
      message: `${services.join(", ")} answered 401/403 in the last hour: a token was revoked or lacks a scope. Check Readiness, fix the credential, then replay.`,
    },
    {
      rule: "backlog",
      firing: backlogMinutes > t.backlogMinutes,
      severity: "critical",
      value: Number(backlogMinutes.toFixed(1)),
      title: `Events waiting for ${s(backlogMinutes)} minutes`,
      message: `The oldest unprocessed event arrived ${s(backlogMinutes)} minutes ago (threshold ${t.backlogMinutes}): the job runner may be down.`,
    },
  ];
}
