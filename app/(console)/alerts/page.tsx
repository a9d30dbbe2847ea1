// Alerts: billing problems (failed payments, disputes) and ops problems (a flow that keeps failing).
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { getDb } from "@/db";
import { alertsTableParams, listAlerts } from "@/db/queries/alerts";
import { parseTableParams, pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertsTable } from "./alerts-table";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  const actor = await requirePageActor("viewer", pathWithQuery("/alerts", query));
  const params = parseTableParams(query, alertsTableParams);
  const page = await listAlerts(await getDb(), {
    ...params.filters,
    page: params.page,
    perPage: params.perPage,
    sort: params.sort,
  });
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Billing alerts (failed payments, disputes) and ops alerts (a sync that keeps failing). Acknowledge an alert when someone is on it, resolve it when it is fixed; alerts with an event open it."
      />
      <AlertsTable
        page={page}
        state={{ page: params.page, perPage: params.perPage, sort: params.sort }}
        defaultSort={alertsTableParams.defaultSort}
        canManage={hasRole(actor.role, "admin")}
        emptyState={
          <EmptyState title="No alerts — all quiet">
            <p>
              Alerts open here when a payment fails, a dispute arrives, or a sync keeps failing. Set{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">ALERT_WEBHOOK_URL</code> to also receive
              them in Slack.
            </p>
          </EmptyState>
        }
      />
    </>
  );
}
