"use client";
// The <table> markup: sortable headers (buttons with aria-sort) and rows that may open a detail page.
// On a narrow screen the table scrolls sideways inside its box (DataTable) with the key column (the
// first one that is not the checkbox) pinned to the left edge, so a row stays recognisable.
import Link from "next/link";
import type { ReactTable, RowData, TableState } from "@tanstack/react-table";
import type { DataTableFeatures } from "./features";
import { SELECT_COLUMN_ID } from "./data-table-select-column";
import { cn } from "@/lib/utils";

// Sticky cells need an opaque background: they take their row's (set on each <tr>).
const PINNED = "sticky left-0 z-10 bg-inherit";

type Props<TData extends RowData> = {
  table: ReactTable<DataTableFeatures, TData, TableState<DataTableFeatures>>;
  caption: string;
  getRowHref?: (row: TData) => string | undefined;
  onOpen: (href: string, newTab: boolean) => void;
  empty: React.ReactNode;
};

const INTERACTIVE = "a, button, input, select, textarea, label, summary";

export function DataTableBody<TData extends RowData>({ table, caption, getRowHref, onOpen, empty }: Props<TData>) {
  const rows = table.getRowModel().rows;
  const columnCount = table.getAllLeafColumns().length;
  const keyColumnId = table.getAllLeafColumns().find((c) => c.id !== SELECT_COLUMN_ID)?.id;
  return (
    <table className="w-full border-collapse text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="border-b border-slate-200 text-xs font-medium tracking-wide text-slate-600 uppercase">
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="bg-slate-50">
            {group.headers.map((header) => {
              const meta = header.column.columnDef.meta;
              const sorted = header.column.getIsSorted();
              const align = meta?.align === "right" ? "text-right" : "";
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                  className={cn(
                    "px-4 py-2.5 whitespace-nowrap",
                    align,
                    header.column.id === keyColumnId && PINNED,
                    meta?.className,
                  )}
                >
                  {header.isPlaceholder ? null : header.column.getCanSort() ? (
                    <button
                      type="button"
                      onClick={header.column.getToggleSortingHandler()}
                      className="-mx-1.5 inline-flex items-center gap-1 rounded px-1.5 py-0.5 uppercase hover:bg-slate-200 hover:text-slate-900"
                      title={`Sort by ${meta?.label ?? header.column.id}`}
                    >
                      <table.FlexRender header={header} />
                      <span aria-hidden className={sorted ? "text-slate-900" : "text-slate-500"}>
                        {sorted === "asc" ? "↑" : sorted === "desc" ? "↓" : "↕"}
                      </span>
                    </button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columnCount} className="px-4 py-10 text-center text-sm text-slate-600">
              {empty}
            </td>
          </tr>
        ) : null}
        {rows.map((row) => {
          const href = getRowHref?.(row.original);
          const cells = row.getAllCells();
          // The first cell that is not the selection checkbox carries the row's link.
          const linkIndex = cells.findIndex((c) => c.column.id !== SELECT_COLUMN_ID);
          return (
            <tr
              key={row.id}
              className={cn(
                "bg-white",
                href && "cursor-pointer hover:bg-slate-50",
                row.getIsSelected() && "bg-indigo-50 hover:bg-indigo-50",
              )}
              onClick={
                href
                  ? (e) => {
                      if ((e.target as HTMLElement).closest(INTERACTIVE)) return;
                      if (window.getSelection()?.toString()) return;
                      onOpen(href, e.metaKey || e.ctrlKey);
                    }
                  : undefined
              }
            >
              {cells.map((cell, i) => {
                const meta = cell.column.columnDef.meta;
                const content = <table.FlexRender cell={cell} />;
                return (
                  <td
                    key={cell.id}
                    className={cn(
                      "px-4 py-2.5 align-middle",
                      meta?.align === "right" && "text-right tabular-nums",
                      cell.column.id === keyColumnId && PINNED,
                      meta?.className,
                    )}
                  >
                    {href && i === linkIndex ? (
                      // inline-block: the cell's content is often a flex box, and an inline link around a
                      // block draws its focus ring around an empty line instead of the content.
                      <Link
                        href={href}
                        className="inline-block max-w-full rounded-sm font-medium text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                      >
                        {content}
                      </Link>
                    ) : (
                      content
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
