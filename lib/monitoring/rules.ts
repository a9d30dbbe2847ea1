// Ops alert rules: each measures one sign of a broken flow over a recent window and says whether it fires.
// One cause, one alert: a refused credential also fails events, so while it fires the failure-rate,
// failed-webhooks and support-failures results name it as their cause (`causedBy`) and are folded under
// its alert (lib/monitoring/apply-rules.ts) instead of opening three alerts for one revoked token.
import type { Db } from "@/db";
import { serviceName } from "@/lib/errors/explain";
import { ruleWindowCounts, servicesRefusingCredentials } from "@/db/queries/event-metrics";
import { paymentDelayP95 } from "@/db/queries/flow-figures";
import { lastWebhookEventAt, rejectionCountsByRoute } from "@/db/queries/rejected-deliveries";
import { SIGNATURE_REASONS } from "@/lib/ingest/rejection-reasons";
import { stepP95Between, type StepTotal } from "@/db/queries/step-latency";
import { STEP, stepLabel } from "@/lib/pipeline/engine/step-names";
import { env, type Env } from "@/lib/env";

/** The thresholds of lib/env.ts; `stepP95Ms` falls back to ALERT_STEP_P95_MS (tests pass their own). */
export type Thresholds = Env["alertThresholds"] & { stepP95Ms?: number };
export type RuleId =
  | "failure-rate"
  | "failed-webhooks"
  | "payment-entitlement-delay"
  | "payment-crm-delay"
  | "support-failures"
  | "auth-errors"
  | "backlog"
  | "stripe-signature-failures"
  | "app-signature-failures"
  | "stripe-silence"
  /** One rule (and so at most one open alert) per step: `step-latency:sync-crm`. */
  | `step-latency:${string}`;
export type RuleResult = {
  rule: RuleId;
  firing: boolean;
  title: string;
  message: string;
  severity: "warning" | "critical";
  value: number | string | null;
  /** The console page with the rows behind the alert (its events, deliveries or the fix). */
  href: string;
  /** The rule whose alert explains this one (e.g. a refused credential behind a failure rate). */
  causedBy?: RuleId;
};

/** Rules whose failures a refused credential explains: folded under the credential alert while it fires. */
export const CREDENTIAL_CONSEQUENCES: readonly RuleId[] = ["failure-rate", "failed-webhooks", "support-failures"];

/** Signature refusals (wrong secret, clock) on one route within the window that open an alert. */
export const SIGNATURE_FAILURES_THRESHOLD = 5;
export const SIGNATURE_FAILURES_MINUTES = 10;

/** Attempts a step needs in the hour before its p95 may alert: one slow call is not a slow step. */
export const STEP_LATENCY_MIN_SAMPLES = 10;

export async function evaluateRules(db: Db, t: Thresholds, now = new Date()): Promise<RuleResult[]> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const windowStart = new Date(now.getTime() - t.failedWebhooksMinutes * 60_000);
  const counts = await ruleWindowCounts(db, hourAgo, windowStart);
  const services = await servicesRefusingCredentials(db, hourAgo);
  const [entitlementP95, crmP95] = await Promise.all([
    paymentDelayP95(db, STEP.updateEntitlement, hourAgo),
    paymentDelayP95(db, STEP.syncCrm, hourAgo),
  ]);
  const signatureFailures = await rejectionCountsByRoute(
    db,
    new Date(now.getTime() - SIGNATURE_FAILURES_MINUTES * 60_000),
    SIGNATURE_REASONS,
  );
  const stepTotals = await stepP95Between(db, hourAgo, now);
  const lastStripe = t.stripeSilenceHours > 0 ? await lastWebhookEventAt(db, "stripe") : null;
  const silentHours = lastStripe ? (now.getTime() - lastStripe.getTime()) / 3_600_000 : 0;
  const rate = counts.done > 0 ? (counts.failed / counts.done) * 100 : 0;
  const backlogMinutes = counts.oldestWaiting ? (now.getTime() - counts.oldestWaiting.getTime()) / 60_000 : 0;
  const s = (n: number) => n.toFixed(1).replace(/\.0$/, "");
  const serviceNames = services.map(serviceName).join(", ");
  const since = (d: Date) => encodeURIComponent(d.toISOString());
  const results: RuleResult[] = [
    {
      rule: "failure-rate",
      firing: counts.done > 0 && rate > t.failureRatePercent,
      severity: "critical",
      value: Number(rate.toFixed(2)),
      title: `Webhook failure rate ${s(rate)}% over the last hour`,
      message: `${counts.failed} of ${counts.done} events processed in the last hour failed (threshold ${t.failureRatePercent}%). Open Events → Failed to see why and replay.`,
      href: `/events?status=failed&from=${since(hourAgo)}`,
    },
    {
      rule: "failed-webhooks",
      firing: counts.recentFailed >= t.failedWebhooks,
      severity: "warning",
      value: counts.recentFailed,
      title: `${counts.recentFailed} failed webhooks in ${t.failedWebhooksMinutes} minutes`,
      message: `At least ${t.failedWebhooks} events failed in the last ${t.failedWebhooksMinutes} minutes.`,
      href: `/events?status=failed&from=${since(windowStart)}`,
    },
    {
      rule: "payment-entitlement-delay",
      firing: entitlementP95 !== null && entitlementP95 > t.paymentDelayP95Seconds,
      severity: "critical",
      value: entitlementP95,
      title: `Payments take ${s(entitlementP95 ?? 0)} s (p95) to unlock the plan`,
      message: `The p95 delay from a Stripe payment to the entitlement was ${s(entitlementP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s): paying customers wait for access.`,
      href: `/events?source=stripe&type=checkout.session.completed&from=${since(hourAgo)}`,
    },
    {
      rule: "payment-crm-delay",
      firing: crmP95 !== null && crmP95 > t.paymentDelayP95Seconds,
      severity: "warning",
      value: crmP95,
      title: `Payments take ${s(crmP95 ?? 0)} s (p95) to reach HubSpot`,
      message: `The p95 delay from a Stripe payment to the HubSpot contact was ${s(crmP95 ?? 0)} s over the last hour (threshold ${t.paymentDelayP95Seconds} s).`,
      href: `/events?source=stripe&type=checkout.session.completed&from=${since(hourAgo)}`,
    },
    {
      rule: "support-failures",
      firing: counts.supportFailed > t.supportFailuresPerHour,
      severity: "critical",
      value: counts.supportFailed,
      title: `${counts.supportFailed} support requests failed to reach Zendesk`,
      message: `More than ${t.supportFailuresPerHour} support requests failed in the last hour: customers asked for help and no ticket exists yet.`,
      href: `/events?status=failed&type=support.requested&from=${since(hourAgo)}`,
    },
    {
      rule: "auth-errors",
      firing: services.length > 0,
      severity: "critical",
      value: services.join(", ") || null,
      title: `${serviceNames || "A service"} refuses our credentials`,
      message: `${serviceNames} answered 401/403 in the last hour: a token was revoked or lacks a scope. Check Readiness, fix the credential, then replay the failed events.`,
      href: "/readiness",
    },
    {
      rule: "backlog",
      firing: backlogMinutes > t.backlogMinutes,
      severity: "critical",
      value: Number(backlogMinutes.toFixed(1)),
      title: `Events waiting for ${s(backlogMinutes)} minutes`,
      message: `The oldest unprocessed event arrived ${s(backlogMinutes)} minutes ago (threshold ${t.backlogMinutes}): the job runner may be down.`,
      href: "/events?status=received,processing",
    },
    signatureRule("stripe", signatureFailures.stripe ?? 0),
    signatureRule("app", signatureFailures.app ?? 0),
    {
      rule: "stripe-silence",
      firing: lastStripe !== null && silentHours > t.stripeSilenceHours,
      severity: "warning",
      value: lastStripe ? Number(silentHours.toFixed(1)) : null,
      title: `No Stripe webhook for ${s(silentHours)} hours`,
      message: `The last Stripe event arrived by webhook ${s(silentHours)} hours ago (threshold STRIPE_SILENCE_HOURS=${t.stripeSilenceHours}), though Stripe events arrived before. Check in Stripe (Developers → Webhooks) that the endpoint is enabled and points at /api/webhooks/stripe, and look at Rejected deliveries in the console.`,
      href: "/deliveries?route=stripe",
    },
  ];
  results.push(...stepLatencyRules(stepTotals, t.stepP95Ms ?? env.ALERT_STEP_P95_MS));
  const credentialsRefused = services.length > 0;
  return credentialsRefused
    ? results.map((r) => (CREDENTIAL_CONSEQUENCES.includes(r.rule) ? { ...r, causedBy: "auth-errors" } : r))
    : results;
}

/** Refused signatures on one route: the secret was rotated on one side only, or a clock is off. */
function signatureRule(route: "stripe" | "app", n: number): RuleResult {
  const who = route === "stripe" ? "Stripe webhooks" : "App events";
  const fix =
    route === "stripe"
      ? "copy it from Stripe (Developers → Webhooks → Signing secret) into STRIPE_WEBHOOK_SECRET and restart"
      : "set the same APP_WEBHOOK_SECRET in the app backend and here, and restart";
  return {
    rule: `${route}-signature-failures`,
    firing: n >= SIGNATURE_FAILURES_THRESHOLD,
    severity: "critical",
    value: n,
    title: `${who} are being refused: the webhook secret is probably wrong`,
    message: `${n} ${route === "stripe" ? "Stripe" : "app"} deliveries were refused for their signature or timestamp in the last ${SIGNATURE_FAILURES_MINUTES} minutes (threshold ${SIGNATURE_FAILURES_THRESHOLD}): the webhook secret is probably wrong — ${fix}. Rejected deliveries in the console shows each refusal and its reason.`,
    href: `/deliveries?route=${route}`,
  };
}

const attempts = (n: number) => (n === 1 ? "1 attempt" : `${n} attempts`);

/**
 * One result per step: firing when its p95 over the last hour passes the threshold on enough attempts. Every
 * known step gets a result, firing or not, so a step that stopped running (no attempts this hour) still
 * resolves the alert it opened.
 */
export function stepLatencyRules(totals: StepTotal[], thresholdMs: number): RuleResult[] {
  const byStep = new Map(totals.map((s) => [s.step, s]));
  const names = new Set<string>([...Object.values(STEP), ...byStep.keys()]);
  return [...names].map((step) => {
    const s = byStep.get(step);
    const p95 = s?.p95Ms ?? null;
    const label = stepLabel(step);
    return {
      rule: `step-latency:${step}`,
      firing: s !== undefined && s.count >= STEP_LATENCY_MIN_SAMPLES && s.p95Ms > thresholdMs,
      severity: "warning",
      value: p95,
      title: `Slow step: “${label}” takes ${p95 ?? 0} ms (p95)`,
      // In words for the founder: the step's label, not its stored name, and the threshold without the env
      // var that sets it (the README names ALERT_STEP_P95_MS).
      message: `${label} took ${p95 ?? 0} ms at the 95th percentile over its ${attempts(s?.count ?? 0)} in the last hour (threshold ${thresholdMs} ms). The service it calls may be slow or rate limiting us; the Latency page shows which handlers and since when.`,
      href: "/latency?window=1h",
    } satisfies RuleResult;
  });
}
