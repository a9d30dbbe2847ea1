// The table features every console list shares: sorting and pagination state, both owned by the
// server (no client row models are registered, so the table never re-sorts or slices a page), and
// row selection, which stays off unless a list passes `selection` to the DataTable.
import {
  createColumnHelper,
  metaHelper,
  rowPaginationFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  type ColumnDef,
  type RowData,
} from "@tanstack/react-table";

export type DataTableColumnMeta = {
  /** Plain-text name of the column, for accessible labels (sort buttons). */
  label?: string;
  align?: "left" | "right";
  /** Extra classes for the header and body cells (widths, wrapping). */
  className?: string;
};

export const dataTableFeatures = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  rowSelectionFeature,
  columnMeta: metaHelper<DataTableColumnMeta>(),
});

export type DataTableFeatures = typeof dataTableFeatures;

// `unknown` value: a list mixes columns of different value types (dates, strings, badges); each
// `helper.accessor` keeps its own value type for its cell.
export type DataTableColumn<TData extends RowData> = ColumnDef<DataTableFeatures, TData, unknown>;

/** A column helper typed for the shared features; use `helper.columns([...])` in `get<Entity>Columns()`. */
export function dataTableColumnHelper<TData extends RowData>() {
  return createColumnHelper<DataTableFeatures, TData>();
}
