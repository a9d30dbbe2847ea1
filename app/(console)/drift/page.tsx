// Drift: where Stripe, HubSpot or Zendesk no longer says what our records say (a contact field edited by hand,
// a subscription changed without an event reaching us, a requester relinked), since when, and a repair that
// writes it back through the pipeline's own operations. Checked hourly; "Check now" runs it at once.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { getDb } from "@/db";
import { driftTableParams, listDrift } from "@/db/queries/drift";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { CheckNowButton, RepairAllButton } from "./drift-buttons";
import { DriftTable } from "./drift-table";

export const metadata: Metadata = { title: "Drift" };

export default async function DriftPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  const actor = await requirePageActor("viewer", pathWithQuery("/drift", query));
  const params = parseTableParams(query, driftTableParams);
  const page = await listDrift(await getDb(), {
    ...params.filters,
    page: params.page,
    perPage: params.perPage,
    sort: params.sort,
  });
  const canRepair = hasRole(actor.role, "admin");
  return (
    <>
      <PageHeader
        title="Drift"
        description="Where Stripe, HubSpot or Zendesk differs from our records, oldest first. Checked every hour; nothing is overwritten until you repair it (or the customer's next event rewrites it). Stripe decides money; HubSpot and Zendesk follow our records."
        actions={
          canRepair ? (
            <>
              <CheckNowButton />
              {page.total > 0 ? <RepairAllButton count={page.total} /> : null}
            </>
          ) : null
        }
      />
      <DriftTable
        page={page}
        canRepair={canRepair}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={driftTableParams.defaultSort}
        emptyState={
          <EmptyState title="Everything matches">
            The last check found Stripe, HubSpot and Zendesk in step with our records. A contact field edited by hand, a
            subscription changed without its webhook, or a Zendesk user relinked would show up here.
          </EmptyState>
        }
      />
    </>
  );
}
