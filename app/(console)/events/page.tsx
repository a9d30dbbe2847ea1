// Events: every webhook we accepted, newest first, filterable by source, type, status, customer and time.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { requirePageActor } from "@/lib/auth/access";
import { env } from "@/lib/env";
import { hasRole } from "@/lib/auth/roles";
import { countReplayable } from "@/lib/commands/replay";
import type { BulkReplayFilter } from "@/lib/actions/bulk-replay-action";
import { getDb } from "@/db";
import { eventsTableParams, listEvents, listEventTypes, type EventFilters } from "@/db/queries/events";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { EventsTable } from "./events-table";
import { BackfillButton } from "./backfill-button";

export const metadata: Metadata = { title: "Events" };

/** The public origin the webhook senders should call. */
async function publicOrigin(): Promise<string> {
  if (env.APP_URL) return env.APP_URL.replace(/\/+$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${h.get("x-forwarded-proto") ?? "http"}://${host}`;
}

/** The list's filters as a bulk replay takes them, or null when the status filter leaves out failed events. */
function replayFilterOf(filters: EventFilters): BulkReplayFilter | null {
  const statuses = filters.status === undefined ? [] : [filters.status].flat();
  if (statuses.length > 0 && !statuses.includes("failed")) return null;
  const { q, source, type, customer, via, from, to } = filters;
  return { q, source, type, customer, via, from: from?.toISOString(), to: to?.toISOString() };
}

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  const actor = await requirePageActor("viewer", pathWithQuery("/events", query));
  const params = parseTableParams(query, eventsTableParams);
  const db = await getDb();
  const replayFilter = hasRole(actor.role, "admin") ? replayFilterOf(params.filters) : undefined;
  const [page, types, origin, matching] = await Promise.all([
    listEvents(db, { ...params.filters, page: params.page, perPage: params.perPage, sort: params.sort }),
    listEventTypes(db),
    publicOrigin(),
    replayFilter ? countReplayable(db, params.filters) : 0,
  ]);
  return (
    <>
      <PageHeader
        title="Events"
        description="Every webhook accepted from Stripe and the app, what it did, and where it stopped. Open an event to see its steps and payload."
        actions={hasRole(actor.role, "admin") ? <BackfillButton /> : undefined}
      />
      <EventsTable
        page={page}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={eventsTableParams.defaultSort}
        types={types}
        replay={replayFilter === undefined ? undefined : { filter: replayFilter, matching }}
        emptyState={
          <EmptyState title="No events yet">
            <p>
              Register the webhook URL{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">{origin}/api/webhooks/stripe</code> in
              Stripe, point your app backend at{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">{origin}/api/webhooks/app</code>, or run{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">npm run demo</code> for a seeded scenario.
            </p>
          </EmptyState>
        }
      />
    </>
  );
}
