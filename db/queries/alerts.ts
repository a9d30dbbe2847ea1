// Alerts for the console: billing and ops alerts, open ones first to act on, newest first.
import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { alertKind, alerts, alertSeverity, alertStatus, customers } from "@/db/schema";
import { defineTableParams, filterParam, likePattern, pageWindow, type PageResult, type SortState } from "@/lib/table-params";

type AlertStatus = (typeof alertStatus.enumValues)[number];
export const ALERT_SORTS = ["openedAt", "severity", "status"] as const;
export type AlertSort = (typeof ALERT_SORTS)[number];

/** URL params of the alerts list: status (comma list), kind, severity, q (title or message). */
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
  const where: SQL[] = [];
  const statuses = p.status === undefined ? [] : [p.status].flat();
  if (statuses.length) where.push(inArray(alerts.status, statuses));
  if (p.kind) where.push(eq(alerts.kind, p.kind));
  if (p.severity) where.push(eq(alerts.severity, p.severity));
  const q = p.q?.trim();
  if (q) where.push(or(sql`${alerts.title} ilike ${likePattern(q)}`, sql`${alerts.message} ilike ${likePattern(q)}`)!);
  return where;
}

function orderBy(sort: SortState<AlertSort>): SQL[] {
  const dir = sort.desc ? desc : asc;
  if (sort.id === "openedAt") return [dir(alerts.openedAt), dir(alerts.id)];
  // Enum order: info < warning < critical; open < acknowledged < resolved. Ties follow the main
  // direction so alerts_status_opened_at_idx serves the status order.
  return [dir(sort.id === "severity" ? alerts.severity : alerts.status), dir(alerts.openedAt), dir(alerts.id)];
}

export async function listAlerts(db: Db, params: ListAlertsParams = {}) {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(...conditions(params));
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: alerts.id,
        kind: alerts.kind,
        status: alerts.status,
        severity: alerts.severity,
        title: alerts.title,
        message: alerts.message,
        customerId: alerts.customerId,
        customerAppUserId: customers.appUserId,
        customerEmail: customers.email,
        eventId: alerts.eventId,
        openedAt: alerts.openedAt,
        acknowledgedAt: alerts.acknowledgedAt,
        acknowledgedBy: alerts.acknowledgedBy,
        resolvedAt: alerts.resolvedAt,
        updatedAt: alerts.updatedAt,
      })
      .from(alerts)
      .leftJoin(customers, eq(customers.id, alerts.customerId))
      .where(where)
      .orderBy(...orderBy(params.sort ?? alertsTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(alerts).where(where),
  ]);
  return { rows, total, pageCount: Math.ceil(total / perPage) } satisfies PageResult<unknown>;
}

export type AlertListRow = Awaited<ReturnType<typeof listAlerts>>["rows"][number];
