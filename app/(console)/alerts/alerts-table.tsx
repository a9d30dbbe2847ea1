"use client";
// The alerts list: the shared data table with status, kind, severity and text filters.
import { useMemo } from "react";
import type { AlertListRow } from "@/db/queries/alerts";
import type { PageResult, SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable } from "@/components/data-table/data-table";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { getAlertsColumns } from "./alerts-columns";

const FILTERS: DataTableFilter[] = [
  {
    kind: "select",
    param: "status",
    label: "Status",
    options: [
      { value: "open", label: "Open" },
      { value: "open,acknowledged", label: "Not resolved" },
      { value: "acknowledged", label: "Acknowledged" },
      { value: "resolved", label: "Resolved" },
    ],
  },
  {
    kind: "select",
    param: "severity",
    label: "Severity",
    options: [
      { value: "critical", label: "Critical" },
      { value: "warning", label: "Warning" },
      { value: "info", label: "Info" },
    ],
  },
  {
    kind: "select",
    param: "kind",
    label: "Kind",
    options: [
      { value: "billing", label: "Billing" },
      { value: "ops", label: "Ops" },
    ],
  },
  { kind: "search", param: "q", label: "Search", placeholder: "Title or message" },
];

/** Every alert opens the rows behind it: its event, else its customer, else the page its rule names. */
function alertHref(row: AlertListRow): string | undefined {
  if (row.eventId) return `/events/${row.eventId}`;
  if (row.customerAppUserId) return `/customers/${encodeURIComponent(row.customerAppUserId)}`;
  return row.href?.startsWith("/") ? row.href : undefined;
}

type Props = {
  page: PageResult<AlertListRow>;
  state: TableState;
  defaultSort: SortState;
  emptyState: React.ReactNode;
  canManage?: boolean;
};

export function AlertsTable({ page, state, defaultSort, emptyState, canManage = false }: Props) {
  const columns = useMemo(() => getAlertsColumns({ canManage }), [canManage]);
  return (
    <DataTable
      caption="Alerts"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={FILTERS}
      noun={{ one: "alert", other: "alerts" }}
      getRowId={(row) => row.id}
      getRowHref={alertHref}
      emptyState={emptyState}
    />
  );
}
