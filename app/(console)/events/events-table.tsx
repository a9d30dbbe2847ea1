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
import type { DataTableColumn } from "@/components/data-table/features";
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

/**
 * At 1280 px the sidebar leaves the list about 990 px, and all seven columns did not fit (Received needed a
 * sideways scroll). Attempts is the column a founder needs least, so it shows from 2xl (1536 px) only; below
 * that the Status cell says "3 attempts" when an event needed more than one, so nothing is lost. A long
 * source id in the Type cell truncates (its full text is in the cell's title), and a long customer email or id
 * wraps.
 */
const ERASED_PREFIX = "erased:";

function fitToBox(columns: DataTableColumn<EventListRow>[]): DataTableColumn<EventListRow>[] {
  return columns.map((column) => {
    const key = (column as { accessorKey?: string }).accessorKey;
    if (key === "type") return { ...column, meta: { ...column.meta, className: "[&>span]:max-w-64" } };
    // On a phone the type already says where an event came from; Status then shows beside Type, unscrolled.
    if (key === "source") return { ...column, meta: { ...column.meta, className: "hidden md:table-cell" } };
    if (key === "attempts") return { ...column, meta: { ...column.meta, className: "hidden 2xl:table-cell" } };
    if (key === "customerAppUserId" && typeof column.cell === "function") {
      const customerCell = column.cell;
      return {
        ...column,
        // A long email or id wraps inside the column rather than widening the table.
        meta: { ...column.meta, className: "[&>a]:max-w-64 [&>a]:break-words" },
        cell: (ctx) => {
          const appUserId = ctx.row.original.customerAppUserId;
          // An erased person keeps only a hashed id (lib/erasure/subjects.ts tombstoneAppUserId): say so.
          if (!appUserId?.startsWith(ERASED_PREFIX)) return customerCell(ctx);
          return (
            <span className="flex flex-col" title={appUserId}>
              <span className="text-[13px] font-medium text-slate-700">Erased person</span>
              <span className="font-mono text-xs text-slate-500">{appUserId.slice(0, ERASED_PREFIX.length + 8)}…</span>
            </span>
          );
        },
      };
    }
    if (key !== "status" || typeof column.cell !== "function") return column;
    const statusCell = column.cell;
    return {
      ...column,
      cell: (ctx) => (
        <span className="flex flex-col items-start gap-1">
          {statusCell(ctx)}
          {ctx.row.original.attempts > 1 ? (
            <span className="text-xs text-slate-600 2xl:hidden">{ctx.row.original.attempts} attempts</span>
          ) : null}
        </span>
      ),
    };
  });
}

const canSelect = (row: EventListRow) => row.status === "failed";
const rowLabel = (row: EventListRow) => `${row.type} ${row.externalId}`;

export function EventsTable({ page, state, defaultSort, types, emptyState, replay }: Props) {
  const columns = useMemo(() => fitToBox(getEventsColumns()), []);
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
