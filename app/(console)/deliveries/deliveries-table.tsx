"use client";
// The rejected deliveries list: the shared data table with route, reason and day filters.
import { useMemo } from "react";
import type { RejectedDeliveryRow } from "@/db/queries/rejected-deliveries";
import { REJECTION_REASONS, WEBHOOK_ROUTES, reasonLabel, routeLabel } from "@/lib/ingest/rejection-reasons";
import type { PageResult, SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable } from "@/components/data-table/data-table";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { getDeliveriesColumns } from "./deliveries-columns";

type Props = {
  page: PageResult<RejectedDeliveryRow>;
  state: TableState;
  defaultSort: SortState;
  emptyState: React.ReactNode;
};

const FILTERS: DataTableFilter[] = [
  {
    kind: "select",
    param: "route",
    label: "Route",
    options: WEBHOOK_ROUTES.map((r) => ({ value: r, label: routeLabel(r) })),
  },
  {
    kind: "select",
    param: "reason",
    label: "Reason",
    options: REJECTION_REASONS.map((r) => ({ value: r, label: reasonLabel(r) })),
  },
  { kind: "date", param: "from", label: "From" },
];

export function DeliveriesTable({ page, state, defaultSort, emptyState }: Props) {
  const columns = useMemo(() => getDeliveriesColumns(), []);
  return (
    <DataTable
      caption="Rejected deliveries"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={FILTERS}
      noun={{ one: "row", other: "rows" }}
      getRowId={(row) => row.id}
      emptyState={emptyState}
    />
  );
}
