// Alerts: the console's list, a customer's alerts, the buttons' state changes and retention. Billing alerts
// raised by the pipeline: ./billing-alerts.ts; ops alerts opened and resolved by the rules: ./rule-alerts.ts;
// the daily digest: ./alert-digest.ts; the notifier's claim on each notification: ./alert-notifications.ts.
import { and, asc, desc, eq, inArray, isNotNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { countUpTo, pageOf } from "./paging";
import { alertKind, alerts, alertSeverity, alertStatus, customers } from "@/db/schema";
import { defineTableParams, filterParam, likePattern, pageWindow, type SortState } from "@/lib/schemas/table-params";
import { notDigest } from "./alert-digest";

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

export {
  attachAlertCustomer,
  billingAlertByKey,
  closeDisputeAlert,
  raiseBillingAlert,
  raiseOrUpdateDunningAlert,
  resolvePaymentAlerts,
} from "./billing-alerts";
export { openOrUpdateRuleAlert, resolveRuleAlert } from "./rule-alerts";
export { claimDigest, type DailyDigest, latestDigest, recordDigest, releaseDigest } from "./alert-digest";
export {
  type AlertToNotify,
  alertsToNotify,
  claimNotification,
  finishNotification,
} from "./alert-notifications";
