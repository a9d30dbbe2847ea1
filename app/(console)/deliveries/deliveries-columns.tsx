// Columns of the rejected deliveries: when, which route, why in plain words with what to do, from where,
// how big, the event id the refused body named, and how many refusals the row stands for.
import type { RejectedDeliveryRow } from "@/db/queries/rejected-deliveries";
import { reasonAdvice, reasonLabel, routeLabel } from "@/lib/ingest/rejection-reasons";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";

const helper = dataTableColumnHelper<RejectedDeliveryRow>();
const none = <span className="text-slate-500">—</span>;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MiB`;
}

export function getDeliveriesColumns(): DataTableColumn<RejectedDeliveryRow>[] {
  return helper.columns([
    helper.accessor("lastAt", {
      header: "When",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "When", className: "whitespace-nowrap" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <RelativeTime date={row.original.lastAt} />
          {row.original.count > 1 ? (
            <span className="text-xs text-slate-500">
              first <RelativeTime date={row.original.firstAt} />
            </span>
          ) : null}
        </span>
      ),
    }),
    helper.accessor("route", {
      header: "Route",
      meta: { label: "Route" },
      cell: ({ getValue }) => <Badge variant="muted">{routeLabel(getValue())}</Badge>,
    }),
    helper.accessor("reason", {
      header: "Reason",
      meta: { label: "Reason", className: "min-w-72 max-w-xl" },
      cell: ({ row }) => {
        const { route, reason, status } = row.original;
        return (
          <span className="flex flex-col gap-1">
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-900">{reasonLabel(reason)}</span>
              <span className="font-mono text-xs text-slate-500">
                {status} {reason}
              </span>
            </span>
            <span className="text-xs text-slate-600">{reasonAdvice(route, reason)}</span>
          </span>
        );
      },
    }),
    helper.accessor("clientAddress", {
      header: "Client address",
      meta: { label: "Client address", className: "whitespace-nowrap" },
      cell: ({ row }) =>
        row.original.clientAddress ? (
          <span className="font-mono text-xs">{row.original.clientAddress}</span>
        ) : row.original.aggregated ? (
          <span className="text-xs text-slate-500">several</span>
        ) : (
          none
        ),
    }),
    helper.accessor("sizeBytes", {
      header: "Size",
      meta: { label: "Size", align: "right", className: "whitespace-nowrap" },
      cell: ({ row }) => {
        const n = row.original.sizeBytes;
        return n === null ? (
          none
        ) : (
          <span
            className="tabular-nums"
            title={row.original.bodySha256 ? `sha256 ${row.original.bodySha256}` : undefined}
          >
            {bytes(n)}
          </span>
        );
      },
    }),
    helper.accessor("sourceEventId", {
      header: "Event id",
      meta: { label: "Event id", className: "max-w-56" },
      cell: ({ getValue }) => {
        const id = getValue();
        return id ? (
          <span className="block truncate font-mono text-xs" title={`${id} (named by the refused body: unverified)`}>
            {id}
          </span>
        ) : (
          none
        );
      },
    }),
    helper.accessor("count", {
      header: "Count",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "Count", align: "right" },
      cell: ({ row }) => (
        <span
          className="tabular-nums"
          title={
            row.original.aggregated ? "Refusals of this route and reason in one minute, counted together" : undefined
          }
        >
          {row.original.count.toLocaleString("en-US")}
        </span>
      ),
    }),
  ]);
}
