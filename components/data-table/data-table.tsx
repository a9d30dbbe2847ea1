"use client";
// The one table of the console: TanStack Table v9 over one server page of rows. Sorting, paging and
// filters live in the URL; the server page reads them, queries, and passes the rows back here.
import { useMemo } from "react";
import { useRouter } from "next/navigation";
import {
  useTable,
  type RowData,
  type PaginationState,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { dataTableFeatures, type DataTableColumn } from "./features";
import { getSelectColumn } from "./data-table-select-column";
import { DataTableToolbar, type DataTableFilter } from "./data-table-toolbar";
import { DataTablePagination } from "./data-table-pagination";
import { DataTableBody } from "./data-table-body";
import { useTableUrl } from "./use-table-url";
import {
  PER_PAGE_PARAM,
  SORT_PARAM,
  formatSort,
  parseTableState,
  type SortState,
  type TableState,
} from "@/lib/schemas/table-params";

export type DataTableProps<TData extends RowData> = {
  /** Keep stable (module constant or useMemo): a new array rebuilds the table's column model. */
  columns: DataTableColumn<TData>[];
  data: TData[];
  /** From the server: the number of pages and of matching rows for the current filters. */
  pageCount: number;
  total: number;
  /** The count stopped at `total` and there are more ("10,000+"). */
  totalCapped?: boolean;
  /** The state the server used for `data` (parsed with parseTableParams, defaults applied). */
  state: TableState;
  defaultSort: SortState;
  defaultPerPage?: number;
  filters?: readonly DataTableFilter[];
  /** Accessible name of the table, e.g. "Events". */
  caption: string;
  noun?: { one: string; other: string };
  getRowId?: (row: TData) => string;
  /** Makes each row open this page (the first cell becomes a link for keyboard users). */
  getRowHref?: (row: TData) => string | undefined;
  /** Shown instead of the table when there are no rows and no filter is set. */
  emptyState?: React.ReactNode;
  /** Row checkboxes in a first column, the selection owned by the list (keyed by getRowId). Off when absent. */
  selection?: DataTableSelection<TData>;
  /** Shown between the filters and the table (brings its own spacing): bulk actions, their progress. */
  actions?: React.ReactNode;
  /**
   * On a phone (below `md`), one card per row instead of the table: for lists whose columns do not fit a
   * narrow screen even with the key column pinned. Each card is an `li` with `data-row-card`.
   */
  card?: (row: TData) => React.ReactNode;
};

export type DataTableSelection<TData> = {
  state: RowSelectionState;
  onChange: (next: RowSelectionState) => void;
  /** Which rows may be selected (default: all). Keep stable, like `rowLabel`. */
  canSelect?: (row: TData) => boolean;
  /** Names a row for its checkbox's accessible label. */
  rowLabel: (row: TData) => string;
  /** Label of the header checkbox; default "Select all rows on this page". */
  pageLabel?: string;
};

const NO_SELECTION: RowSelectionState = {};

const apply = <T,>(updater: Updater<T>, current: T): T =>
  typeof updater === "function" ? (updater as (old: T) => T)(current) : updater;

/** A column's id as TanStack resolves it for our columns (explicit id, else the accessor key). */
const columnId = (column: object) => {
  const def = column as { id?: string; accessorKey?: string };
  return def.id ?? def.accessorKey ?? "";
};

export function DataTable<TData extends RowData>(props: DataTableProps<TData>) {
  const {
    columns,
    data,
    pageCount,
    total,
    totalCapped = false,
    state,
    defaultSort,
    filters = [],
    noun,
    defaultPerPage,
    selection,
  } = props;
  const url = useTableUrl();
  const router = useRouter();
  const sortable = columns.filter((c) => c.enableSorting).map(columnId);
  // What the controls show: the URL as it will be once the pending navigation lands.
  const view = parseTableState(url.params, { sortable, defaultSort, defaultPerPage });
  const sorting: SortingState = [view.sort];
  const pagination: PaginationState = { pageIndex: view.page - 1, pageSize: view.perPage };
  const rowSelection = selection?.state ?? NO_SELECTION;
  const selectable = Boolean(selection);
  const rowLabel = selection?.rowLabel;
  const pageLabel = selection?.pageLabel ?? "Select all rows on this page";
  const canSelect = selection?.canSelect;
  const tableColumns = useMemo(
    () => (selectable && rowLabel ? [getSelectColumn<TData>(rowLabel, pageLabel), ...columns] : columns),
    [columns, selectable, rowLabel, pageLabel],
  );

  const table = useTable<typeof dataTableFeatures, TData>({
    features: dataTableFeatures,
    columns: tableColumns,
    data,
    getRowId: props.getRowId,
    manualSorting: true,
    manualPagination: true,
    autoResetPageIndex: false,
    enableMultiSort: false,
    enableSortingRemoval: false,
    defaultColumn: { enableSorting: false },
    pageCount: Math.max(1, pageCount),
    rowCount: total,
    state: { sorting, pagination, rowSelection },
    enableRowSelection: selectable ? (canSelect ? (row) => canSelect(row.original) : true) : false,
    onRowSelectionChange: (updater) => selection?.onChange(apply(updater, rowSelection)),
    onSortingChange: (updater) => {
      const next = apply(updater, sorting)[0];
      const value = next && formatSort(next) !== formatSort(defaultSort) ? formatSort(next) : null;
      url.update({ [SORT_PARAM]: value });
    },
    onPaginationChange: (updater) => {
      const next = apply(updater, pagination);
      if (next.pageSize !== pagination.pageSize) {
        url.update({ [PER_PAGE_PARAM]: String(next.pageSize) });
      } else {
        url.update({ page: next.pageIndex > 0 ? String(next.pageIndex + 1) : null }, { resetPage: false });
      }
    },
  });

  const filtered = filters.some((f) => url.params.has(f.param));
  const figure = (n: number) => `${n.toLocaleString("en-US")}${totalCapped ? "+" : ""}`;
  const label = (n: number) =>
    noun ? `${figure(n)} ${n === 1 && !totalCapped ? noun.one : noun.other}` : `${figure(n)} rows`;

  if (total === 0 && !filtered && props.emptyState) return <>{props.emptyState}</>;
  // Cards only when there are rows: an empty page keeps the table's message on every screen.
  const cards = Boolean(props.card) && data.length > 0;
  return (
    <div>
      {filters.length > 0 || total > 0 ? <DataTableToolbar filters={filters} url={url} summary={label(total)} /> : null}
      {props.actions}
      {cards ? (
        <ul
          aria-label={props.caption}
          aria-busy={url.isPending}
          className={`flex flex-col gap-2 transition-opacity md:hidden ${url.isPending ? "opacity-60" : ""}`}
        >
          {data.map((row, i) => (
            <li
              key={props.getRowId?.(row) ?? i}
              data-row-card
              className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm"
            >
              {props.card?.(row)}
            </li>
          ))}
        </ul>
      ) : null}
      <div
        aria-busy={url.isPending}
        className={`relative overflow-x-auto rounded-lg border border-slate-200 bg-white transition-opacity ${cards ? "hidden md:block" : ""} ${url.isPending ? "opacity-60" : ""}`}
      >
        <DataTableBody
          table={table}
          caption={props.caption}
          getRowHref={props.getRowHref}
          onOpen={(href, newTab) => (newTab ? window.open(href, "_blank", "noopener") : router.push(href))}
          empty={
            total === 0 ? (
              <p>
                Nothing matches these filters.{" "}
                <button
                  type="button"
                  className="font-medium text-indigo-700 underline"
                  onClick={() => url.update(Object.fromEntries(filters.map((f) => [f.param, null])))}
                >
                  Reset filters
                </button>
              </p>
            ) : (
              <p>
                Page {state.page} is past the end of the list.{" "}
                <button
                  type="button"
                  className="font-medium text-indigo-700 underline"
                  onClick={() => url.update({ page: null }, { resetPage: false })}
                >
                  Go to the first page
                </button>
              </p>
            )
          }
        />
      </div>
      <DataTablePagination table={table} state={state} shown={data.length} total={total} totalCapped={totalCapped} />
    </div>
  );
}
