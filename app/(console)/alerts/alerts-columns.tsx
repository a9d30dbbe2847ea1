// Columns of the alerts list: what is wrong, how bad, for whom, and whether someone is on it.
import type { AlertListRow } from "@/db/queries/alerts";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { AlertActions } from "./alert-actions";

const helper = dataTableColumnHelper<AlertListRow>();

/** `canManage` (admins) adds the Acknowledge / Resolve column. */
export function getAlertsColumns({ canManage = false }: { canManage?: boolean } = {}): DataTableColumn<AlertListRow>[] {
  const columns = helper.columns([
    helper.accessor("title", {
      header: "Alert",
      meta: { className: "max-w-xl" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span>{row.original.title}</span>
          {row.original.message ? (
            <span className="line-clamp-2 text-xs font-normal text-slate-600" title={row.original.message}>
              {row.original.message}
            </span>
          ) : null}
        </span>
      ),
    }),
    helper.accessor("severity", {
      header: "Severity",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "Severity" },
      // The kind sits under the severity: one column less, so the actions fit a 1280 px screen.
      cell: ({ row }) => (
        <span className="flex flex-col items-start gap-1">
          <StatusBadge status={row.original.severity} />
          <span className="text-xs text-slate-600">{row.original.kind === "billing" ? "Billing" : "Ops"}</span>
        </span>
      ),
    }),
    helper.accessor("status", {
      header: "Status",
      enableSorting: true,
      meta: { label: "Status" },
      cell: ({ row }) => {
        const { status, acknowledgedBy, acknowledgedAt, resolvedAt } = row.original;
        const title =
          status === "acknowledged" && acknowledgedBy
            ? `Acknowledged by ${acknowledgedBy}`
            : status === "resolved"
              ? "Resolved"
              : undefined;
        return (
          <span className="flex flex-col items-start gap-1">
            <StatusBadge status={status} title={title} />
            {status === "acknowledged" && acknowledgedAt ? (
              <span className="text-xs text-slate-500">
                {acknowledgedBy ? `${acknowledgedBy}, ` : ""}
                <RelativeTime date={acknowledgedAt} />
              </span>
            ) : null}
            {status === "resolved" && resolvedAt ? (
              <span className="text-xs text-slate-500">
                <RelativeTime date={resolvedAt} />
              </span>
            ) : null}
          </span>
        );
      },
    }),
    helper.accessor("customerAppUserId", {
      header: "Customer",
      cell: ({ row }) =>
        // Names first, ids second.
        row.original.customerAppUserId ? (
          <span className="flex flex-col">
            <span>{row.original.customerName ?? row.original.customerEmail ?? row.original.customerAppUserId}</span>
            {row.original.customerName && row.original.customerEmail ? (
              <span className="text-xs text-slate-600">{row.original.customerEmail}</span>
            ) : null}
            {row.original.customerName || row.original.customerEmail ? (
              <span className="font-mono text-xs text-slate-600">{row.original.customerAppUserId}</span>
            ) : null}
          </span>
        ) : (
          <span className="text-slate-500">—</span>
        ),
    }),
    helper.accessor("openedAt", {
      header: "Opened",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "Opened", className: "whitespace-nowrap" },
      cell: ({ getValue }) => <RelativeTime date={getValue()} />,
    }),
  ]);
  if (!canManage) return columns;
  return [
    ...columns,
    helper.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { label: "Actions", align: "right" },
      cell: ({ row }) => (
        <AlertActions alertId={row.original.id} title={row.original.title} status={row.original.status} />
      ),
    }),
  ];
}
