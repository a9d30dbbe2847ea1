// Customers: one row per app user, with plan, the systems they are linked in, and failed syncs.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { importProgress } from "@/lib/backfill/stripe-import";
import { getDb } from "@/db";
import { customersTableParams, listCustomers } from "@/db/queries/customers";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { CustomersTable } from "./customers-table";
import { ImportPanel, type ImportStatus } from "./import-panel";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  const actor = await requirePageActor("viewer", pathWithQuery("/customers", query));
  const params = parseTableParams(query, customersTableParams);
  const db = await getDb();
  const [page, progress] = await Promise.all([
    listCustomers(db, { ...params.filters, page: params.page, perPage: params.perPage, sort: params.sort }),
    importProgress(db),
  ]);
  const importStatus: ImportStatus = {
    running: progress.running,
    done: progress.cursor ? Boolean(progress.cursor.done) : null,
    customers: progress.cursor?.customers ?? 0,
    queued: progress.cursor?.stored ?? 0,
    waiting: (progress.events.received ?? 0) + (progress.events.processing ?? 0),
    failed: progress.events.failed ?? 0,
  };
  return (
    <>
      <PageHeader
        title="Customers"
        description="Each app user with their plan and the Stripe, HubSpot and Zendesk records linked to them. Search by email, name or any external id."
        actions={<ImportPanel status={importStatus} canRun={hasRole(actor.role, "admin")} />}
      />
      <CustomersTable
        page={page}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={customersTableParams.defaultSort}
        emptyState={
          <EmptyState title="No customers yet">
            <p>
              Customers appear when your app sends a{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">user.signed_up</code> webhook or Stripe
              reports a new customer. Run{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">npm run demo</code> to see a seeded
              scenario.
            </p>
          </EmptyState>
        }
      />
    </>
  );
}
