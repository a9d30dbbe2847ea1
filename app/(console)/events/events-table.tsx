"use client";
// The events list: the shared data table with the events columns and filters; for admins, checkboxes on
// failed rows and the bulk replay bar.
import { SOURCE_OPTIONS } from "@/components/events/source-label";
import { useCallback, useMemo, useState } from "react";
import type { RowSelectionState } from "@tanstack/react-table";
import type { EventListRow } from "@/db/queries/events";
import type { PageResult, SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable, type DataTableSelection } from "@/components/data-table/data-table";
import type { BulkReplayFilter } from "@/lib/actions/bulk-replay-action";
import { BulkReplayBar } from "./bulk-replay-bar";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { getEventsColumns } from "./events-columns";

const STATUS_OPTIONS = [
  { value: "failed", label: "Failed" },
  { value: "received,processing", label: "Waiting (backlog)" },
  { value: "received", label: "Received" },
  { value: "processing", label: "Processing" },
  { value: "succeeded", label: "Succeeded" },
  { value: "ignored", label: "Ignored" },
];

type Props = {
  page: PageResult<EventListRow>;
  state: TableState;
  defaultSort: SortState;
  types: string[];
  emptyState: React.ReactNode;
  /** Admins only: what "replay all matching" would replay (null: the status filter excludes failed). */
  replay?: { filter: BulkReplayFilter | null; matching: number };
};

const canSelect = (row: EventListRow) => row.status === "failed";
const rowLabel = (row: EventListRow) => `${row.type} ${row.externalId}`;

export function EventsTable({ page, state, defaultSort, types, emptyState, replay }: Props) {
  const columns = useMemo(() => getEventsColumns(), []);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const clearSelection = useCallback(() => setRowSelection({}), []);
  // Only what is on this page and still failed counts: rows that moved on are not replayed again.
  const selectedIds = page.rows.filter((r) => rowSelection[r.id] && canSelect(r)).map((r) => r.id);
  const selection: DataTableSelection<EventListRow> | undefined = replay
    ? {
        state: rowSelection,
        onChange: setRowSelection,
        canSelect,
        rowLabel,
        pageLabel: "Select every failed event on this page",
      }
    : undefined;
  const filters = useMemo<DataTableFilter[]>(
    () => [
      {
        kind: "select",
        param: "source",
        label: "Source",
        options: SOURCE_OPTIONS,
      },
      { kind: "select", param: "type", label: "Type", options: types.map((t) => ({ value: t, label: t })) },
      { kind: "select", param: "status", label: "Status", options: STATUS_OPTIONS },
      {
        kind: "search",
        param: "q",
        label: "Find",
        placeholder: "evt_… or app event id, correlation id, email, app user id",
      },
      { kind: "search", param: "customer", label: "Customer", placeholder: "Name, email, app user id or cus_…" },
      {
        kind: "select",
        param: "via",
        label: "Arrived by",
        options: [
          { value: "webhook", label: "Webhook" },
          { value: "backfill", label: "Backfill (missed delivery)" },
          { value: "import", label: "Adoption import" },
        ],
      },
      { kind: "date", param: "from", label: "From" },
      { kind: "date", param: "to", label: "To" },
    ],
    [types],
  );
  return (
    <DataTable
      caption="Events"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={filters}
      noun={{ one: "event", other: "events" }}
      getRowId={(row) => row.id}
      getRowHref={(row) => `/events/${row.id}`}
      emptyState={emptyState}
      selection={selection}
      actions={
        replay ? (
          <BulkReplayBar
            selectedIds={selectedIds}
            filter={replay.filter}
            matching={replay.matching}
            onQueued={clearSelection}
          />
        ) : undefined
      }
    />
  );
}
