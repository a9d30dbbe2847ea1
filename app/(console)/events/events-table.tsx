"use client";
// The events list: the shared data table with the events columns and filters.
import { useMemo } from "react";
import type { EventListRow } from "@/db/queries/events";
import type { PageResult, SortState, TableState } from "@/components/data-table/search-params";
import { DataTable } from "@/components/data-table/data-table";
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
};

export function EventsTable({ page, state, defaultSort, types, emptyState }: Props) {
  const columns = useMemo(() => getEventsColumns(), []);
  const filters = useMemo<DataTableFilter[]>(
    () => [
      {
        kind: "select",
        param: "source",
        label: "Source",
        options: [
          { value: "stripe", label: "Stripe" },
          { value: "app", label: "App" },
        ],
      },
      { kind: "select", param: "type", label: "Type", options: types.map((t) => ({ value: t, label: t })) },
      { kind: "select", param: "status", label: "Status", options: STATUS_OPTIONS },
      { kind: "search", param: "customer", label: "Customer", placeholder: "App user id, email or customer id" },
      { kind: "date", param: "from", label: "From (UTC)" },
      { kind: "date", param: "to", label: "To (UTC)" },
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
      state={state}
      defaultSort={defaultSort}
      filters={filters}
      noun={{ one: "event", other: "events" }}
      getRowId={(row) => row.id}
      getRowHref={(row) => `/events/${row.id}`}
      emptyState={emptyState}
    />
  );
}
