// Audit log: every write made from the console or the admin API (replays, links, acknowledgements).
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { auditTableParams, listAuditActions, listAuditLog } from "@/db/queries/audit";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  await requirePageActor("viewer", pathWithQuery("/audit", query));
  const params = parseTableParams(query, auditTableParams);
  const db = await getDb();
  const [page, actions] = await Promise.all([
    listAuditLog(db, { ...params.filters, page: params.page, perPage: params.perPage, sort: params.sort }),
    listAuditActions(db),
  ]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what from the console or with the admin API token, newest first. Entries are never edited."
      />
      <AuditTable
        page={page}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={auditTableParams.defaultSort}
        actions={actions}
        emptyState={
          <EmptyState title="Nothing recorded yet">
            Replays, identity links and alert acknowledgements made in the console or through the admin API are recorded
            here.
          </EmptyState>
        }
      />
    </>
  );
}
