// Columns of the customers list: who, on which plan, linked where, and whether anything failed.
import Link from "next/link";
import type { CustomerListRow, LinkedSystem } from "@/db/queries/customers";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";

const helper = dataTableColumnHelper<CustomerListRow>();
const SYSTEMS: { id: LinkedSystem["system"]; label: string }[] = [
  { id: "app", label: "App" },
  { id: "stripe", label: "Stripe" },
  { id: "hubspot", label: "HubSpot" },
  { id: "zendesk", label: "Zendesk" },
];

export function getCustomersColumns(): DataTableColumn<CustomerListRow>[] {
  return helper.columns([
    helper.accessor("email", {
      header: "Customer",
      enableSorting: true,
      meta: { label: "Email" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="font-medium">
            {row.original.appUserId.startsWith("erased:")
              ? "Erased person"
              : (row.original.name ?? row.original.email ?? "Unnamed")}
          </span>
          {row.original.name && row.original.email ? (
            <span className="text-xs text-slate-500">{row.original.email}</span>
          ) : null}
        </span>
      ),
    }),
    helper.accessor("appUserId", {
      header: "App user id",
      enableSorting: true,
      meta: { label: "App user id" },
      // Plain text: the whole row opens the customer, whose page lists their events.
      cell: ({ row, getValue }) =>
        row.original.provisional ? (
          <span className="flex flex-col items-start gap-1">
            <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">
              {row.original.pendingClaimAppUserId ? "Paid · claim to confirm" : "Paid · not in the app yet"}
            </span>
          </span>
        ) : getValue().startsWith("erased:") ? (
          // An erased person keeps only a hashed id (70 characters): shortened, the whole of it on hover.
          <span className="font-mono text-[13px]" title={getValue()}>
            {getValue().slice(0, "erased:".length + 8)}…
          </span>
        ) : (
          <span className="font-mono text-[13px]">{getValue()}</span>
        ),
    }),
    helper.accessor("status", {
      header: "Plan",
      cell: ({ row }) => {
        const { plan, status, currentPeriodEnd } = row.original;
        return (
          <span className="flex flex-col items-start gap-1">
            <span className="flex items-center gap-2">
              {plan ? <span className="font-medium">{plan}</span> : null}
              <StatusBadge status={status} />
            </span>
            {currentPeriodEnd && status !== "none" ? (
              <span className="text-xs text-slate-500">
                period ends <RelativeTime date={currentPeriodEnd} />
              </span>
            ) : null}
          </span>
        );
      },
    }),
    helper.accessor("linked", {
      header: "Linked systems",
      cell: ({ row }) => {
        const linked = new Map(row.original.linked.map((l) => [l.system, l]));
        return (
          <span className="flex flex-wrap gap-1">
            {SYSTEMS.map((s) => {
              const link = linked.get(s.id);
              return link ? (
                <Badge key={s.id} variant="success" title={`${s.label}: ${link.externalId}`}>
                  {s.label}
                </Badge>
              ) : (
                <Badge key={s.id} variant="muted" title={`Not linked in ${s.label}`}>
                  <span className="line-through decoration-slate-400">{s.label}</span>
                </Badge>
              );
            })}
          </span>
        );
      },
    }),
    helper.accessor("failedEvents", {
      header: "Failed events",
      meta: { align: "right" },
      cell: ({ row }) =>
        row.original.failedEvents > 0 ? (
          <Link
            href={`/events?customer=${encodeURIComponent(row.original.appUserId)}&status=failed`}
            className="font-medium text-red-700 hover:underline"
          >
            {row.original.failedEvents}
          </Link>
        ) : (
          <span className="text-slate-500">0</span>
        ),
    }),
    helper.accessor("createdAt", {
      header: "Created",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "Created", className: "whitespace-nowrap" },
      cell: ({ getValue }) => <RelativeTime date={getValue()} />,
    }),
  ]);
}
