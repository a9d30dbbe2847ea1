"use client";
// The customers list: the shared data table with a search over every identity and a plan status filter.
import { useMemo } from "react";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import type { CustomerListRow, CustomersPage } from "@/db/queries/customers";
import type { SortState, TableState } from "@/lib/schemas/table-params";
import { DataTable } from "@/components/data-table/data-table";
import type { DataTableFilter } from "@/components/data-table/data-table-toolbar";
import { getCustomersColumns } from "./customers-columns";

const FILTERS: DataTableFilter[] = [
  { kind: "search", param: "q", label: "Search", placeholder: "Email, name, app user id or cus_…" },
  {
    kind: "select",
    param: "status",
    label: "Plan status",
    options: [
      { value: "active", label: "Active" },
      { value: "trialing", label: "Trialing" },
      { value: "past_due", label: "Past due" },
      { value: "incomplete", label: "First payment failed" },
      { value: "canceled", label: "Canceled" },
      { value: "none", label: "No plan" },
    ],
  },
];

const customerHref = (row: CustomerListRow) => `/customers/${encodeURIComponent(row.appUserId)}`;

type Props = { page: CustomersPage; state: TableState; defaultSort: SortState; emptyState: React.ReactNode };

export function CustomersTable({ page, state, defaultSort, emptyState }: Props) {
  const columns = useMemo(() => getCustomersColumns(), []);
  return (
    <DataTable
      caption="Customers"
      columns={columns}
      data={page.rows}
      pageCount={page.pageCount}
      total={page.total}
      totalCapped={page.totalCapped}
      state={state}
      defaultSort={defaultSort}
      filters={FILTERS}
      noun={{ one: "customer", other: "customers" }}
      getRowId={(row) => row.id}
      getRowHref={customerHref}
      emptyState={emptyState}
      actions={page.exactMatch ? <ExactMatchNote /> : undefined}
    />
  );
}

/** The search is exactly someone's email or id, so only they are listed; one click shows substring matches too. */
function ExactMatchNote() {
  const pathname = usePathname();
  const params = new URLSearchParams(useSearchParams().toString());
  params.set("match", "partial");
  params.delete("page");
  return (
    <p className="mb-3 text-sm text-slate-600">
      Showing the exact match for “{params.get("q")}”.{" "}
      <Link href={`${pathname}?${params}`} className="font-medium text-indigo-700 underline">
        Show partial matches too
      </Link>
    </p>
  );
}
