"use client";
// "26–50 of 1,234 · Page 2 of 50" (or "of 10,000+ · Page 2 of 400+" past the count cap), previous/next
// and the page size, driven by the table's pagination API.
import type { ReactTable, RowData, TableState as TanStackTableState } from "@tanstack/react-table";
import { Button } from "@/components/ui/button";
import type { DataTableFeatures } from "./features";
import { PER_PAGE_OPTIONS, type TableState } from "@/lib/schemas/table-params";

type Props<TData extends RowData> = {
  table: ReactTable<DataTableFeatures, TData, TanStackTableState<DataTableFeatures>>;
  /** The state the shown rows were fetched with (the table's own state may be ahead while loading). */
  state: TableState;
  shown: number;
  total: number;
  /** The count stopped at `total` and there are more: shown as "10,000+", the page count as "400+". */
  totalCapped?: boolean;
};

const fmt = (n: number) => n.toLocaleString("en-US");

export function DataTablePagination<TData extends RowData>({
  table,
  state,
  shown,
  total,
  totalCapped = false,
}: Props<TData>) {
  const more = totalCapped ? "+" : "";
  const { pageIndex, pageSize } = table.state.pagination;
  const pageCount = table.getPageCount();
  const first = (state.page - 1) * state.perPage + 1;
  const sizes: number[] = PER_PAGE_OPTIONS.includes(pageSize as (typeof PER_PAGE_OPTIONS)[number])
    ? [...PER_PAGE_OPTIONS]
    : [...PER_PAGE_OPTIONS, pageSize].sort((a, b) => a - b);

  return (
    <nav
      aria-label="Pagination"
      className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600"
    >
      <p>
        {shown > 0 ? `${fmt(first)}–${fmt(first + shown - 1)} of ${fmt(total)}${more}` : `0 of ${fmt(total)}${more}`}
      </p>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <label className="flex items-center gap-2">
          Rows per page
          <select
            className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900"
            value={pageSize}
            onChange={(e) => table.setPageSize(Number(e.target.value))}
          >
            {sizes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span aria-live="polite" className="tabular-nums">
          Page {fmt(pageIndex + 1)} of{" "}
          {totalCapped ? `${fmt(Math.max(pageIndex + 1, Math.ceil(total / pageSize)))}+` : fmt(Math.max(pageCount, 1))}
        </span>
        <div className="flex gap-1.5">
          <Button
            size="sm"
            onClick={() => table.previousPage()}
            disabled={!table.getCanPreviousPage()}
            aria-label="Previous page"
          >
            ← Previous
          </Button>
          <Button size="sm" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()} aria-label="Next page">
            Next →
          </Button>
        </div>
      </div>
    </nav>
  );
}
