"use client";
// The checkbox column the DataTable puts first when a list passes `selection`: a page-wide toggle in
// the header and one labelled checkbox per selectable row (rows that cannot be selected show none).
import { useEffect, useRef } from "react";
import type { RowData } from "@tanstack/react-table";
import type { DataTableColumn } from "./features";

export const SELECT_COLUMN_ID = "__select";

const boxClass = "size-4 cursor-pointer rounded border-slate-400 accent-slate-900 disabled:cursor-not-allowed";

function Checkbox({
  indeterminate = false,
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { indeterminate?: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" className={boxClass} {...props} />;
}

/** `rowLabel` names each row for its checkbox ("Select user.signed_up app_evt_1"). */
export function getSelectColumn<TData extends RowData>(
  rowLabel: (row: TData) => string,
  pageLabel: string,
): DataTableColumn<TData> {
  return {
    id: SELECT_COLUMN_ID,
    enableSorting: false,
    meta: { label: "Select", className: "w-10 pr-0" },
    header: ({ table }) => {
      const selectable = table.getRowModel().rows.some((r) => r.getCanSelect());
      const all = table.getIsAllPageRowsSelected();
      return (
        <span className="flex items-center">
          <Checkbox
            aria-label={pageLabel}
            title={selectable ? pageLabel : "Nothing on this page can be selected"}
            checked={all}
            indeterminate={!all && table.getIsSomePageRowsSelected()}
            disabled={!selectable}
            onChange={(e) => table.toggleAllPageRowsSelected(e.target.checked)}
          />
        </span>
      );
    },
    cell: ({ row }) =>
      row.getCanSelect() ? (
        <span className="flex items-center">
          <Checkbox
            aria-label={`Select ${rowLabel(row.original)}`}
            checked={row.getIsSelected()}
            onChange={(e) => row.toggleSelected(e.target.checked)}
          />
        </span>
      ) : null,
  };
}
