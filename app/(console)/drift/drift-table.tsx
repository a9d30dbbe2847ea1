"use client";
// The drift list: the shared data table with a system filter and a Repair button per row.
import { useMemo } from "react";
import type { DriftRow } from "@/db/queries/drift";
import { DRIFT_SYSTEM_OPTIONS } from "@/lib/reconcile/fields";
import type { PageResult, SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable } from "@/components/data-table/data-table";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { getDriftColumns } from "./drift-columns";

type Props = {
  page: PageResult<DriftRow>;
  canRepair: boolean;
  state: TableState;
  defaultSort: SortState;
  emptyState: React.ReactNode;
};

const FILTERS: DataTableFilter[] = [
  { kind: "select", param: "system", label: "System", options: [...DRIFT_SYSTEM_OPTIONS] },
];

export function DriftTable({ page, canRepair, state, defaultSort, emptyState }: Props) {
  const columns = useMemo(() => getDriftColumns({ canRepair }), [canRepair]);
  return (
    <DataTable
      caption="Drift"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={FILTERS}
      noun={{ one: "difference", other: "differences" }}
      getRowId={(row) => row.id}
      emptyState={emptyState}
    />
  );
}
