// Columns of the drift list: the customer (name or email first, to their page), the system, the field in plain
// words, what we expect against what the system holds, since when, and Repair.
import Link from "next/link";
import type { DriftRow } from "@/db/queries/drift";
import { SYSTEM_NAME, driftFieldLabel } from "@/lib/reconcile/fields";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { RepairButton } from "./drift-buttons";

const helper = dataTableColumnHelper<DriftRow>();
const empty = <span className="text-slate-500">(empty)</span>;
const value = (v: string | null) =>
  v === null || v === "" ? empty : <span className="font-mono text-xs break-words">{v}</span>;

export function getDriftColumns({ canRepair }: { canRepair: boolean }): DataTableColumn<DriftRow>[] {
  return helper.columns([
    helper.accessor("appUserId", {
      header: "Customer",
      meta: { label: "Customer", className: "max-w-64" },
      cell: ({ row }) => {
        const { name, email, appUserId } = row.original;
        return (
          <Link href={`/customers/${encodeURIComponent(appUserId)}`} className="flex flex-col hover:underline">
            <span className="truncate font-medium text-slate-900">{name || email || appUserId}</span>
            {name && email ? <span className="truncate text-xs text-slate-500">{email}</span> : null}
          </Link>
        );
      },
    }),
    helper.accessor("system", {
      header: "System",
      enableSorting: true,
      meta: { label: "System" },
      cell: ({ getValue }) => <Badge variant="muted">{SYSTEM_NAME[getValue()] ?? getValue()}</Badge>,
    }),
    helper.accessor("field", {
      header: "What differs",
      meta: { label: "What differs", className: "min-w-56" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="text-slate-900">{driftFieldLabel(row.original.system, row.original.field)}</span>
          <span className="font-mono text-xs text-slate-500">{row.original.field}</span>
        </span>
      ),
    }),
    helper.accessor("expected", {
      header: "Should be",
      meta: { label: "Should be (our records; for Stripe rows, Stripe's)", className: "min-w-24 max-w-48" },
      cell: ({ getValue }) => value(getValue()),
    }),
    helper.accessor("actual", {
      header: "Is now",
      meta: { label: "Is now (in that system; for Stripe rows, our entitlement)", className: "min-w-24 max-w-48" },
      cell: ({ getValue }) => value(getValue()),
    }),
    helper.accessor("detectedAt", {
      header: "Since",
      enableSorting: true,
      meta: { label: "Since", className: "whitespace-nowrap" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <RelativeTime date={row.original.detectedAt} />
          <span className="text-xs text-slate-500">
            checked <RelativeTime date={row.original.lastCheckedAt} />
          </span>
        </span>
      ),
    }),
    ...(canRepair
      ? [
          helper.display({
            id: "repair",
            header: "",
            meta: { label: "Repair", align: "right" as const },
            cell: ({ row }) => <RepairButton id={row.original.id} />,
          }),
        ]
      : []),
  ]);
}
