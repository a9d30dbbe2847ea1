// What each console list exports as CSV: the rows its current filters and sort select (every page, not
// just the one on screen), read page by page through the list's own query so the export and the table
// can never disagree, up to EXPORT_ROW_CAP rows.
import "server-only";
import type { Db } from "@/db";
import { alertsTableParams, listAlerts } from "@/db/queries/alerts";
import { auditTableParams, listAuditLog } from "@/db/queries/audit";
import { customersTableParams, listCustomers } from "@/db/queries/customers";
import { eventsTableParams, listEvents } from "@/db/queries/events";
import { COUNT_CAP } from "@/db/queries/paging";
import { listRejectedDeliveries, rejectedDeliveriesTableParams } from "@/db/queries/rejected-deliveries";
import { MAX_PER_PAGE, parseRequestTableParams, type PageResult } from "@/lib/schemas/table-params";
import type { CsvColumn } from "./csv";

/** The most rows one export holds: the lists count exactly up to here, so past it we know and say so. */
export const EXPORT_ROW_CAP = COUNT_CAP;

export const EXPORT_LISTS = ["customers", "events", "alerts", "audit", "deliveries"] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

export function isExportList(value: string): value is ExportList {
  return (EXPORT_LISTS as readonly string[]).includes(value);
}

type PageFetcher<T> = (db: Db, page: number) => Promise<PageResult<T>>;

/** A list's export for one request: its columns and a page reader bound to the request's filters. */
export type PreparedExport<T = unknown> = { columns: CsvColumn<T>[]; fetchPage: PageFetcher<T> };

function prepare<T>(columns: CsvColumn<T>[], fetchPage: PageFetcher<T>): PreparedExport {
  return { columns, fetchPage } as unknown as PreparedExport;
}

type Row<F extends (...args: never[]) => Promise<{ rows: unknown[] }>> = Awaited<ReturnType<F>>["rows"][number];

const customerColumns: CsvColumn<Row<typeof listCustomers>>[] = [
  { header: "Name", value: (r) => r.name },
  { header: "Email", value: (r) => r.email },
  { header: "App user id", value: (r) => r.appUserId },
  { header: "Plan", value: (r) => r.plan },
  { header: "Entitlement", value: (r) => r.status },
  { header: "Period end", value: (r) => r.currentPeriodEnd },
  { header: "Stripe customer", value: (r) => r.linked.find((l) => l.system === "stripe")?.externalId },
  { header: "HubSpot contact", value: (r) => r.linked.find((l) => l.system === "hubspot")?.externalId },
  { header: "Zendesk user", value: (r) => r.linked.find((l) => l.system === "zendesk")?.externalId },
  { header: "Failed events", value: (r) => r.failedEvents },
  { header: "Payer not in the app yet", value: (r) => (r.provisional ? "yes" : "no") },
  { header: "Signed up", value: (r) => r.signedUpAt },
  { header: "Created", value: (r) => r.createdAt },
];

const eventColumns: CsvColumn<Row<typeof listEvents>>[] = [
  { header: "Received", value: (r) => r.receivedAt },
  { header: "Source", value: (r) => r.source },
  { header: "Type", value: (r) => r.type },
  { header: "Status", value: (r) => r.status },
  { header: "Customer email", value: (r) => r.customerEmail },
  { header: "App user id", value: (r) => r.customerAppUserId },
  { header: "Attempts", value: (r) => r.attempts },
  { header: "Last error", value: (r) => r.lastError },
  { header: "Source event id", value: (r) => r.externalId },
  { header: "Event id", value: (r) => r.id },
  { header: "Correlation id", value: (r) => r.correlationId },
  { header: "Occurred", value: (r) => r.occurredAt },
  { header: "Processed", value: (r) => r.processedAt },
];

const alertColumns: CsvColumn<Row<typeof listAlerts>>[] = [
  { header: "Opened", value: (r) => r.openedAt },
  { header: "Severity", value: (r) => r.severity },
  { header: "Status", value: (r) => r.status },
  { header: "Kind", value: (r) => r.kind },
  { header: "Title", value: (r) => r.title },
  { header: "Message", value: (r) => r.message },
  { header: "Customer email", value: (r) => r.customerEmail },
  { header: "App user id", value: (r) => r.customerAppUserId },
  { header: "Event id", value: (r) => r.eventId },
  { header: "Acknowledged", value: (r) => r.acknowledgedAt },
  { header: "Acknowledged by", value: (r) => r.acknowledgedBy },
  { header: "Resolved", value: (r) => r.resolvedAt },
  { header: "Alert id", value: (r) => r.id },
];

const auditColumns: CsvColumn<Row<typeof listAuditLog>>[] = [
  { header: "When", value: (r) => r.createdAt },
  { header: "Who", value: (r) => r.actorEmail },
  { header: "Via", value: (r) => r.via },
  { header: "Action", value: (r) => r.action },
  { header: "Target type", value: (r) => r.targetType },
  { header: "Target id", value: (r) => r.targetId },
  { header: "Details", value: (r) => (r.details === null ? null : JSON.stringify(r.details)) },
];

const deliveryColumns: CsvColumn<Row<typeof listRejectedDeliveries>>[] = [
  { header: "Last seen", value: (r) => r.lastAt },
  { header: "First seen", value: (r) => r.firstAt },
  { header: "Route", value: (r) => r.route },
  { header: "Reason", value: (r) => r.reason },
  { header: "HTTP status", value: (r) => r.status },
  { header: "Count", value: (r) => r.count },
  { header: "Client address", value: (r) => r.clientAddress },
  { header: "Size (bytes)", value: (r) => r.sizeBytes },
  { header: "Source event id", value: (r) => r.sourceEventId },
  { header: "Body SHA-256", value: (r) => r.bodySha256 },
];

/** Parses the request's filters the way the list's page and API do: a bad one answers 400 naming it. */
export function prepareExport(list: ExportList, req: Request): { prepared: PreparedExport } | { error: Response } {
  const perPage = MAX_PER_PAGE;
  switch (list) {
    case "customers": {
      const { params, error } = parseRequestTableParams(req, customersTableParams);
      if (error) return { error };
      const { sort, filters } = params;
      return {
        prepared: prepare(customerColumns, (db, page) => listCustomers(db, { ...filters, sort, page, perPage })),
      };
    }
    case "events": {
      const { params, error } = parseRequestTableParams(req, eventsTableParams);
      if (error) return { error };
      const { sort, filters } = params;
      return { prepared: prepare(eventColumns, (db, page) => listEvents(db, { ...filters, sort, page, perPage })) };
    }
    case "alerts": {
      const { params, error } = parseRequestTableParams(req, alertsTableParams);
      if (error) return { error };
      const { sort, filters } = params;
      return { prepared: prepare(alertColumns, (db, page) => listAlerts(db, { ...filters, sort, page, perPage })) };
    }
    case "audit": {
      const { params, error } = parseRequestTableParams(req, auditTableParams);
      if (error) return { error };
      const { sort, filters } = params;
      return { prepared: prepare(auditColumns, (db, page) => listAuditLog(db, { ...filters, sort, page, perPage })) };
    }
    case "deliveries": {
      const { params, error } = parseRequestTableParams(req, rejectedDeliveriesTableParams);
      if (error) return { error };
      const { sort, filters } = params;
      return {
        prepared: prepare(deliveryColumns, (db, page) =>
          listRejectedDeliveries(db, { ...filters, sort, page, perPage }),
        ),
      };
    }
  }
}

/** The remaining pages after the first, read as the stream asks for them. */
export async function* laterPages<T>(db: Db, fetchPage: PageFetcher<T>, first: PageResult<T>) {
  yield first.rows;
  const pages = Math.ceil(first.total / MAX_PER_PAGE);
  for (let page = 2; page <= pages; page++) {
    const { rows } = await fetchPage(db, page);
    if (rows.length === 0) return;
    yield rows;
  }
}
