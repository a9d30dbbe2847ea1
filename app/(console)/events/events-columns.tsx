// Columns of the events list: what arrived, from where, what happened to it, for whom, when.
import { sourceLabel } from "@/components/events/source-label";
import Link from "next/link";
import type { EventListRow } from "@/db/queries/events";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { explainError, serviceName } from "@/lib/errors/explain";
import { isStepName, stepLabel } from "@/lib/pipeline/engine/step-names";

/**
 * The stored last error ("sync-crm: hubspot 400: Property values were not valid") in words: the step's
 * label and the known error's sentence; the raw line stays in the title. Anything else is shown as stored.
 */
export function readableLastError(raw: string): string {
  const m = /^([a-z0-9-]+): ([a-z]+) (\d{3}): ([\s\S]*)$/.exec(raw);
  if (!m) {
    const s = /^([a-z0-9-]+): ([\s\S]*)$/.exec(raw);
    return s && isStepName(s[1]) ? `${stepLabel(s[1])}: ${s[2]}` : raw;
  }
  const [, step, service, status, message] = m;
  const known = explainError({ service, status: Number(status), code: null, message });
  const what = known?.sentence ?? `${serviceName(service)} answered HTTP ${status}: ${message}`;
  return `${isStepName(step) ? stepLabel(step) : step}: ${what}`;
}

const helper = dataTableColumnHelper<EventListRow>();

export function getEventsColumns(): DataTableColumn<EventListRow>[] {
  return helper.columns([
    helper.accessor("type", {
      header: "Type",
      enableSorting: true,
      meta: { label: "Type" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="font-mono text-[13px]">{row.original.type}</span>
          <span className="truncate text-xs font-normal text-slate-500" title={row.original.externalId}>
            {row.original.externalId}
          </span>
        </span>
      ),
    }),
    helper.accessor("source", {
      header: "Source",
      cell: ({ getValue }) => <Badge variant="neutral">{sourceLabel(String(getValue()))}</Badge>,
    }),
    helper.accessor("status", {
      header: "Status",
      enableSorting: true,
      meta: { label: "Status", className: "min-w-44 max-w-72" },
      cell: ({ row }) => (
        <span className="flex flex-col items-start gap-1">
          {row.original.status === "received" && row.original.attempts > 0 ? (
            // Set back to received by a bulk replay: it ran before and waits for its turn again.
            <StatusBadge status="received" label="Queued for replay" />
          ) : (
            <StatusBadge status={row.original.status} />
          )}
          {row.original.lastError ? (
            <span className="line-clamp-2 text-xs text-red-700" title={row.original.lastError}>
              {readableLastError(row.original.lastError)}
            </span>
          ) : null}
        </span>
      ),
    }),
    helper.accessor("customerAppUserId", {
      header: "Customer",
      cell: ({ row }) => {
        const { customerAppUserId: appUserId, customerEmail: email, customerName: name } = row.original;
        if (!appUserId) return <span className="text-slate-500">—</span>;
        // Names first, ids second: the person, then how to find them elsewhere.
        const first = name ?? email ?? appUserId;
        const second = [name ? email : null, appUserId.startsWith("stripe:") ? "payer not in the app yet" : appUserId]
          .filter(Boolean)
          .join(" · ");
        return (
          <Link
            href={`/events?customer=${encodeURIComponent(appUserId)}`}
            className="flex flex-col hover:underline"
            title="Show this customer's events"
          >
            <span className="text-[13px] font-medium">{first}</span>
            {first !== appUserId ? <span className="text-xs text-slate-600">{second}</span> : null}
          </Link>
        );
      },
    }),
    helper.accessor("attempts", {
      header: "Attempts",
      meta: { align: "right" },
      cell: ({ getValue }) => getValue(),
    }),
    helper.accessor("receivedAt", {
      header: "Received",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "Received", className: "whitespace-nowrap" },
      cell: ({ getValue }) => <RelativeTime date={getValue()} />,
    }),
  ]);
}
