// Columns of the audit log: when, who (and through which door), did what, to what.
import Link from "next/link";
import type { AuditListRow } from "@/db/queries/audit";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { auditActionLabel } from "./audit-labels";

const helper = dataTableColumnHelper<AuditListRow>();
const VIA_LABEL: Record<string, string> = { session: "Console", "api-token": "API token", system: "System" };

function summary(details: unknown): string {
  if (details === null || details === undefined) return "";
  const text = JSON.stringify(details);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export function getAuditColumns(): DataTableColumn<AuditListRow>[] {
  return helper.columns([
    helper.accessor("createdAt", {
      header: "When",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "When", className: "whitespace-nowrap" },
      cell: ({ getValue }) => <RelativeTime date={getValue()} />,
    }),
    helper.accessor("actorEmail", {
      header: "Who",
      enableSorting: true,
      meta: { label: "Who" },
      cell: ({ row }) => (
        <span className="flex items-center gap-2">
          <span>{row.original.actorEmail}</span>
          <Badge variant="muted">{VIA_LABEL[row.original.via] ?? row.original.via}</Badge>
        </span>
      ),
    }),
    helper.accessor("action", {
      header: "Action",
      enableSorting: true,
      meta: { label: "Action" },
      // Words first, the stored name second (what the filter and the admin API use).
      cell: ({ getValue }) => (
        <span className="flex flex-col">
          <span>{auditActionLabel(getValue())}</span>
          <span className="font-mono text-xs text-slate-600">{getValue()}</span>
        </span>
      ),
    }),
    helper.accessor("targetId", {
      header: "Target",
      cell: ({ row }) => {
        const { targetType, targetId } = row.original;
        if (!targetId) return <span className="text-slate-500">—</span>;
        const label = `${targetType ?? "target"} ${targetId}`;
        return targetType === "event" ? (
          <Link href={`/events/${targetId}`} className="font-mono text-xs hover:underline">
            {label}
          </Link>
        ) : (
          <span className="font-mono text-xs">{label}</span>
        );
      },
    }),
    helper.accessor("details", {
      header: "Details",
      meta: { className: "max-w-md" },
      cell: ({ row }) => {
        const text = summary(row.original.details);
        return text ? (
          <span
            className="line-clamp-2 font-mono text-xs text-slate-600"
            title={JSON.stringify(row.original.details, null, 2)}
          >
            {text}
          </span>
        ) : (
          <span className="text-slate-500">—</span>
        );
      },
    }),
  ]);
}
