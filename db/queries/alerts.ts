// Alerts: the console's list, the buttons' state changes, billing alerts raised by the pipeline, ops
// alerts opened and resolved by the rules, and the notifier's claim on each notification.
import { and, asc, desc, eq, inArray, isNotNull, isNull, like, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { countUpTo, pageOf } from "./paging";
import { type Alert, alertKind, alerts, alertSeverity, alertStatus, customers, opsState } from "@/db/schema";
import { defineTableParams, filterParam, likePattern, pageWindow, type SortState } from "@/lib/schemas/table-params";

type AlertStatus = (typeof alertStatus.enumValues)[number];
export const ALERT_SORTS = ["openedAt", "severity", "status"] as const;
export type AlertSort = (typeof ALERT_SORTS)[number];

/** URL params of the alerts list: status (comma list), kind, severity, q (title, message, or the customer's email or app user id). */
export const alertsTableParams = defineTableParams({
  sortable: ALERT_SORTS,
  defaultSort: { id: "openedAt", desc: true },
  filters: {
    status: filterParam.anyOf(alertStatus.enumValues),
    kind: filterParam.oneOf(alertKind.enumValues),
    severity: filterParam.oneOf(alertSeverity.enumValues),
    q: filterParam.text(200),
  },
});

export type ListAlertsParams = {
  status?: AlertStatus | AlertStatus[];
  kind?: (typeof alertKind.enumValues)[number];
  severity?: (typeof alertSeverity.enumValues)[number];
  q?: string;
  page?: number;
  perPage?: number;
  sort?: SortState<AlertSort>;
};

/** Digests recorded as alert rows before they moved to ops_state: informational, not alerts to list. */
const notDigest = sql`${alerts.dedupeKey} not like 'digest:%'`;

function conditions(p: ListAlertsParams): SQL[] {
  const where: SQL[] = [notDigest];
  const statuses = p.status === undefined ? [] : [p.status].flat();
  if (statuses.length) where.push(inArray(alerts.status, statuses));
  if (p.kind) where.push(eq(alerts.kind, p.kind));
  if (p.severity) where.push(eq(alerts.severity, p.severity));
  const q = p.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    // Alert texts name a customer by app user id only: the customer's email is searched through the link.
    const customerMatches = sql`exists (select 1 from ${customers} where ${customers.id} = ${alerts.customerId} and (${customers.email} ilike ${pattern} or ${customers.appUserId} ilike ${pattern}))`;
    where.push(or(sql`${alerts.title} ilike ${pattern}`, sql`${alerts.message} ilike ${pattern}`, customerMatches)!);
  }
  return where;
}

function orderBy(sort: SortState<AlertSort>): SQL[] {
  const dir = sort.desc ? desc : asc;
  if (sort.id === "openedAt") return [dir(alerts.openedAt), dir(alerts.id)];
  // Enum order: info < warning < critical; open < acknowledged < resolved. Ties follow the main
  // direction so alerts_status_opened_at_idx serves the status order.
  return [dir(sort.id === "severity" ? alerts.severity : alerts.status), dir(alerts.openedAt), dir(alerts.id)];
}

/** The columns a list of alerts shows (the alerts page, a customer's alerts). */
const alertSummary = {
  id: alerts.id,
  kind: alerts.kind,
  status: alerts.status,
  severity: alerts.severity,
  title: alerts.title,
  message: alerts.message,
  eventId: alerts.eventId,
  /** The page with the rows behind an ops alert (a rule stores it); billing alerts link their event or customer. */
  href: sql<string | null>`${alerts.details}->>'href'`,
  openedAt: alerts.openedAt,
  resolvedAt: alerts.resolvedAt,
};

export async function listAlerts(db: Db, params: ListAlertsParams = {}) {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(...conditions(params));
  const [rows, counted] = await Promise.all([
    db
      .select({
        ...alertSummary,
        customerId: alerts.customerId,
        customerAppUserId: customers.appUserId,
        customerEmail: customers.email,
        customerName: customers.name,
        acknowledgedAt: alerts.acknowledgedAt,
        acknowledgedBy: alerts.acknowledgedBy,
        updatedAt: alerts.updatedAt,
      })
      .from(alerts)
      .leftJoin(customers, eq(customers.id, alerts.customerId))
      .where(where)
      .orderBy(...orderBy(params.sort ?? alertsTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    countUpTo(db, db.select({ id: alerts.id }).from(alerts).where(where).$dynamic()),
  ]);
  return pageOf(rows, counted, { offset, perPage });
}

export type AlertListRow = Awaited<ReturnType<typeof listAlerts>>["rows"][number];

// ---- State changes from the console (each moves the row only from a state it may leave) ----

export async function alertStatusById(db: Db, id: string): Promise<{ status: AlertStatus; title: string } | undefined> {
  const [row] = await db
    .select({ status: alerts.status, title: alerts.title })
    .from(alerts)
    .where(eq(alerts.id, id))
    .limit(1);
  return row;
}

/** open → acknowledged; answers the alert when it moved. */
export async function markAlertAcknowledged(db: Db, id: string, by: string, now = new Date()) {
  const [row] = await db
    .update(alerts)
    .set({ status: "acknowledged", acknowledgedAt: now, acknowledgedBy: by, updatedAt: now })
    .where(and(eq(alerts.id, id), eq(alerts.status, "open")))
    .returning({ id: alerts.id, title: alerts.title });
  return row;
}

/** open or acknowledged → resolved; answers whether it moved. */
export async function markAlertResolved(db: Db, id: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: now, updatedAt: now })
    .where(and(eq(alerts.id, id), inArray(alerts.status, ["open", "acknowledged"])))
    .returning({ id: alerts.id });
  return rows.length > 0;
}

// ---- Billing alerts (the pipeline): one per Stripe object (invoice, dispute, checkout session) ----

type BillingAlertInput = {
  dedupeKey: string;
  title: string;
  message: string;
  customerId?: string | null;
  eventId: string;
  severity?: "warning" | "critical";
  details?: unknown;
};

/** Opens the alert once per dedupe key (later calls change nothing); answers its id. */
export async function raiseBillingAlert(db: Db, input: BillingAlertInput): Promise<string> {
  await db
    .insert(alerts)
    .values({
      kind: "billing",
      severity: input.severity ?? "warning",
      ...input,
      customerId: input.customerId ?? null,
      details: input.details ?? null,
    })
    .onConflictDoNothing({ target: [alerts.kind, alerts.dedupeKey] });
  return (await billingAlertByKey(db, input.dedupeKey))!.id;
}

export async function billingAlertByKey(db: Db, dedupeKey: string) {
  const [row] = await db
    .select({ id: alerts.id, status: alerts.status, severity: alerts.severity, details: alerts.details })
    .from(alerts)
    .where(and(eq(alerts.kind, "billing"), eq(alerts.dedupeKey, dedupeKey)))
    .limit(1);
  return row;
}

/**
 * Dunning: one alert per invoice, whatever the number of retries. A later attempt updates its text and
 * details (an earlier one delivered late changes nothing); it never lowers the severity, a move to
 * critical marks an escalation for the notifier, and a resolved alert stays resolved. Answers the id and
 * what happened.
 */
export async function raiseOrUpdateDunningAlert(
  db: Db,
  input: BillingAlertInput & { attempt: number },
): Promise<{ id: string; outcome: "opened" | "updated" | "escalated" | "unchanged" }> {
  const severity = input.severity ?? "warning";
  const details = { ...(input.details as Record<string, unknown> | undefined), attempt: input.attempt };
  const [row] = await db
    .insert(alerts)
    .values({ ...input, kind: "billing", severity, customerId: input.customerId ?? null, details })
    .onConflictDoUpdate({
      target: [alerts.kind, alerts.dedupeKey],
      set: {
        title: sql`excluded.title`,
        message: sql`excluded.message`,
        eventId: sql`excluded.event_id`,
        severity: sql`case when ${alerts.severity} = 'critical' then ${alerts.severity} else excluded.severity end`,
        details: sql`excluded.details || jsonb_build_object('escalation', case when ${alerts.severity} <> 'critical' and excluded.severity = 'critical' then 'pending' else ${alerts.details}->>'escalation' end)`,
        updatedAt: new Date(),
      },
      setWhere: sql`${alerts.status} <> 'resolved' and coalesce((${alerts.details}->>'attempt')::int, 0) < (excluded.details->>'attempt')::int`,
    })
    .returning({ id: alerts.id, inserted: sql<boolean>`xmax = 0`, details: alerts.details });
  if (!row) return { id: (await billingAlertByKey(db, input.dedupeKey))!.id, outcome: "unchanged" };
  const escalated = (row.details as { escalation?: string } | null)?.escalation === "pending";
  return { id: row.id, outcome: row.inserted ? "opened" : escalated ? "escalated" : "updated" };
}

/** Records a dispute's end on its alert: won resolves it; lost keeps it as it is with the new text. */
export async function closeDisputeAlert(db: Db, input: BillingAlertInput & { won: boolean }): Promise<string> {
  const now = new Date();
  const { won, ...rest } = input;
  const [row] = await db
    .insert(alerts)
    .values({
      ...rest,
      kind: "billing",
      severity: rest.severity ?? "critical",
      customerId: rest.customerId ?? null,
      details: rest.details ?? null,
      ...(won ? { status: "resolved" as const, resolvedAt: now } : {}),
    })
    .onConflictDoUpdate({
      target: [alerts.kind, alerts.dedupeKey],
      set: {
        title: sql`excluded.title`,
        message: sql`excluded.message`,
        details: sql`excluded.details`,
        customerId: sql`coalesce(${alerts.customerId}, excluded.customer_id)`,
        updatedAt: now,
        ...(won
          ? {
              status: sql`'resolved'::alert_status`,
              resolvedAt: sql`coalesce(${alerts.resolvedAt}, excluded.resolved_at)`,
            }
          : {}),
      },
    })
    .returning({ id: alerts.id });
  return row!.id;
}

/** Links a billing alert raised before its customer was known (a dispute) to the customer. */
export async function attachAlertCustomer(db: Db, dedupeKey: string, customerId: string): Promise<void> {
  await db
    .update(alerts)
    .set({ customerId })
    .where(and(eq(alerts.kind, "billing"), eq(alerts.dedupeKey, dedupeKey), isNull(alerts.customerId)));
}

/**
 * Resolves the customer's open payment-failure alerts (`prefix` narrows them, e.g. to Checkout sessions'
 * `payment_failed:cs_`); answers how many.
 */
export async function resolvePaymentAlerts(db: Db, customerId: string, prefix = "payment_failed:"): Promise<number> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(alerts.kind, "billing"),
        eq(alerts.customerId, customerId),
        inArray(alerts.status, ["open", "acknowledged"]),
        like(alerts.dedupeKey, `${prefix.replaceAll("%", "\\%").replaceAll("_", "\\_")}%`),
      ),
    )
    .returning({ id: alerts.id });
  return rows.length;
}

// ---- Ops alerts (the rules): at most one unresolved alert per rule (a partial unique index holds it) ----

type RuleAlert = {
  rule: string;
  severity: Alert["severity"];
  title: string;
  message: string;
  value: unknown;
  href?: string;
};

/** Opens the rule's alert, or updates the unresolved one; answers whether it opened a new one. */
export async function openOrUpdateRuleAlert(db: Db, r: RuleAlert, now: Date): Promise<boolean> {
  const details = { value: r.value, ...(r.href ? { href: r.href } : {}) };
  const inserted = await db
    .insert(alerts)
    .values({
      kind: "ops",
      rule: r.rule,
      dedupeKey: `rule:${r.rule}:${now.toISOString()}`,
      severity: r.severity,
      title: r.title,
      message: r.message,
      details,
      openedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id });
  if (inserted.length) return true;
  await db
    .update(alerts)
    .set({ title: r.title, message: r.message, details, updatedAt: now })
    .where(and(eq(alerts.rule, r.rule), ne(alerts.status, "resolved")));
  return false;
}

/** Resolves the rule's unresolved alert; answers whether there was one. */
export async function resolveRuleAlert(db: Db, rule: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: now, updatedAt: now })
    .where(and(eq(alerts.rule, rule), ne(alerts.status, "resolved")))
    .returning({ id: alerts.id });
  return rows.length > 0;
}

// ---- The daily digest: a notification, not an alert (kept in ops_state, never in the alerts list) ----

const DIGEST_KEY = "daily-digest";
export type DailyDigest = { day: string; title: string; message: string; details: unknown; notifiedAt: string | null };

/** Records the day's digest unless one is recorded for this day or a later one; answers whether it is new. */
export async function recordDigest(
  db: Db,
  input: { day: string; title: string; message: string; details: unknown; now: Date },
): Promise<boolean> {
  const value: DailyDigest = {
    day: input.day,
    title: input.title,
    message: input.message,
    details: input.details,
    notifiedAt: null,
  };
  const rows = await db
    .insert(opsState)
    .values({ key: DIGEST_KEY, value, updatedAt: input.now })
    .onConflictDoUpdate({
      target: opsState.key,
      set: { value: sql`excluded.value`, updatedAt: input.now },
      setWhere: sql`${opsState.value}->>'day' < excluded.value->>'day'`,
    })
    .returning({ key: opsState.key });
  return rows.length > 0;
}

/** The latest digest (posted or not), for the notifier and tests. */
export async function latestDigest(db: Db): Promise<DailyDigest | undefined> {
  const [row] = await db.select({ value: opsState.value }).from(opsState).where(eq(opsState.key, DIGEST_KEY)).limit(1);
  return row?.value as DailyDigest | undefined;
}

/**
 * Claims the digest's notification: marks it posted in one conditional UPDATE, so two workers never post it
 * twice; a failed post calls releaseDigest to have it retried on the next tick. Answers the digest claimed.
 */
export async function claimDigest(db: Db, now: Date): Promise<DailyDigest | undefined> {
  const [row] = await db
    .update(opsState)
    .set({
      value: sql`jsonb_set(${opsState.value}, '{notifiedAt}', to_jsonb(${now.toISOString()}::text))`,
      updatedAt: now,
    })
    .where(and(eq(opsState.key, DIGEST_KEY), sql`${opsState.value}->>'notifiedAt' is null`))
    .returning({ value: opsState.value });
  return row?.value as DailyDigest | undefined;
}

export async function releaseDigest(db: Db, day: string): Promise<void> {
  await db
    .update(opsState)
    .set({ value: sql`jsonb_set(${opsState.value}, '{notifiedAt}', 'null'::jsonb)` })
    .where(and(eq(opsState.key, DIGEST_KEY), sql`${opsState.value}->>'day' = ${day}`));
}

// ---- Notifications: claimed in the database first, so two workers never post the same one ----

/**
 * Alerts with a notification still to post: an opening not yet sent, an escalation to critical
 * not yet sent (dunning: the final attempt failed), or a resolve not yet sent.
 */
export type AlertToNotify = Alert & { customerAppUserId: string | null };

export async function alertsToNotify(db: Db, limit = 50): Promise<AlertToNotify[]> {
  const pendingOpen = and(isNull(alerts.notifiedOpenAt), ne(alerts.status, "resolved"));
  const pendingResolve = and(
    eq(alerts.status, "resolved"),
    isNotNull(alerts.notifiedOpenAt),
    isNull(alerts.notifiedResolveAt),
  );
  const pendingEscalation = and(
    ne(alerts.status, "resolved"),
    isNotNull(alerts.notifiedOpenAt),
    sql`${alerts.details}->>'escalation' = 'pending'`,
  );
  const rows = await db
    .select({ alert: alerts, customerAppUserId: customers.appUserId })
    .from(alerts)
    .leftJoin(customers, eq(customers.id, alerts.customerId))
    .where(and(or(pendingOpen, pendingEscalation, pendingResolve), notDigest))
    .limit(limit);
  return rows.map((r) => ({ ...r.alert, customerAppUserId: r.customerAppUserId }));
}

/** Claims the alert's notification unless another worker holds a fresh claim; answers whether it did. */
export async function claimNotification(db: Db, id: string, now: Date, staleAfterMs = 120_000): Promise<boolean> {
  const staleClaim = new Date(now.getTime() - staleAfterMs);
  const [claimed] = await db
    .update(alerts)
    .set({ notifyClaimedAt: now, notifyAttempts: sql`${alerts.notifyAttempts} + 1` })
    .where(and(eq(alerts.id, id), or(isNull(alerts.notifyClaimedAt), lt(alerts.notifyClaimedAt, staleClaim))))
    .returning({ id: alerts.id });
  return Boolean(claimed);
}

/**
 * Records the notification as posted (`kind`), or with `kind` null releases the claim for a later retry. An
 * opening posted with the alert already critical covers a pending escalation.
 */
export async function finishNotification(
  db: Db,
  id: string,
  kind: "open" | "escalated" | "resolved" | null,
): Promise<void> {
  const sent = new Date();
  const escalationSent = sql`case when ${alerts.details}->>'escalation' = 'pending' then jsonb_set(${alerts.details}, '{escalation}', '"notified"') else ${alerts.details} end`;
  const set =
    kind === "open"
      ? { notifiedOpenAt: sent, notifyClaimedAt: null, details: escalationSent }
      : kind === "escalated"
        ? { notifyClaimedAt: null, details: escalationSent }
        : kind === "resolved"
          ? { notifiedResolveAt: sent, notifyClaimedAt: null }
          : { notifyClaimedAt: null };
  await db.update(alerts).set(set).where(eq(alerts.id, id));
}

/** Billing and ops alerts raised for the customer, newest first. */
export async function listCustomerAlerts(db: Db, customerId: string) {
  return db
    .select(alertSummary)
    .from(alerts)
    .where(and(eq(alerts.customerId, customerId), notDigest))
    .orderBy(desc(alerts.openedAt))
    .limit(50);
}

export type CustomerAlert = Awaited<ReturnType<typeof listCustomerAlerts>>[number];

// ---- Retention ----

/** What a resolved alert's title becomes once it is older than the retention period. */
export const REDACTED_ALERT_TITLE = "Alert text removed after the retention period";

/**
 * Replaces the title of alerts resolved before `before` with a neutral text and clears their message and
 * details (they may name a customer), at most `batch` a call; kind, severity, rule, customer link and times
 * stay. Answers how many alerts were cleared.
 */
export async function redactResolvedAlertsBefore(db: Db, before: Date, now: Date, batch: number): Promise<number> {
  const old = db
    .select({ id: alerts.id })
    .from(alerts)
    .where(
      and(
        eq(alerts.status, "resolved"),
        lt(alerts.resolvedAt, before),
        or(ne(alerts.title, REDACTED_ALERT_TITLE), isNotNull(alerts.message), isNotNull(alerts.details)),
      ),
    )
    .limit(batch);
  const rows = await db
    .update(alerts)
    .set({ title: REDACTED_ALERT_TITLE, message: null, details: null, updatedAt: now })
    .where(sql`${alerts.id} in (${old})`)
    .returning({ id: alerts.id });
  return rows.length;
}
