// Rejected deliveries: every webhook we refused (wrong secret, clock, bad body, too large, rate-limited), why
// in plain words and what to do. A rotated secret nobody updated shows up here instead of silently losing data.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { listRejectedDeliveries, rejectedDeliveriesTableParams } from "@/db/queries/rejected-deliveries";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { DeliveriesTable } from "./deliveries-table";

export const metadata: Metadata = { title: "Rejected deliveries" };

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  await requirePageActor("viewer", pathWithQuery("/deliveries", query));
  const params = parseTableParams(query, rejectedDeliveriesTableParams);
  const page = await listRejectedDeliveries(await getDb(), {
    ...params.filters,
    page: params.page,
    perPage: params.perPage,
    sort: params.sort,
  });
  return (
    <>
      <PageHeader
        title="Rejected deliveries"
        description="Webhook deliveries we refused, newest first: why, and what to fix. Nothing refused is stored or processed; the sender retries. Under a flood, a minute's refusals of one kind share one row with their count."
      />
      <DeliveriesTable
        page={page}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={rejectedDeliveriesTableParams.defaultSort}
        emptyState={
          <EmptyState title="No delivery refused">
            Every webhook from Stripe and from your app passed its checks. A wrong webhook secret, a clock off by more
            than 5 minutes or a malformed event would show up here with what to do.
          </EmptyState>
        }
      />
    </>
  );
}
