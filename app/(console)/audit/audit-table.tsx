"use client";
// The audit log list: the shared data table with action, channel, actor and target filters.
import { useMemo } from "react";
import type { AuditListRow } from "@/db/queries/audit";
import type { PageResult, SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable } from "@/components/data-table/data-table";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { AuditCard, getAuditColumns } from "./audit-columns";
import { auditActionLabel } from "./audit-labels";

type Props = {
  page: PageResult<AuditListRow>;
  state: TableState;
  defaultSort: SortState;
  actions: string[];
  emptyState: React.ReactNode;
};

export function AuditTable({ page, state, defaultSort, actions, emptyState }: Props) {
  const columns = useMemo(() => getAuditColumns(), []);
  const filters = useMemo<DataTableFilter[]>(
    () => [
      {
        kind: "select",
        param: "action",
        label: "Action",
        options: actions.map((a) => ({ value: a, label: auditActionLabel(a) })),
      },
      {
        kind: "select",
        param: "via",
        label: "Via",
        options: [
          { value: "session", label: "Console" },
          { value: "api-token", label: "API token" },
          { value: "system", label: "System" },
        ],
      },
      { kind: "search", param: "actor", label: "Who", placeholder: "Email" },
      { kind: "search", param: "target", label: "Target id", placeholder: "Event or customer id" },
    ],
    [actions],
  );
  return (
    <DataTable
      caption="Audit log"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={filters}
      noun={{ one: "entry", other: "entries" }}
      getRowId={(row) => row.id}
      emptyState={emptyState}
      card={(row) => <AuditCard row={row} />}
    />
  );
}
