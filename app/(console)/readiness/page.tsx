// Launch readiness: the checks of `npm run doctor` (configuration, database, integrations, jobs,
// webhook freshness, public URL, email domain), grouped, each with what was found and the fix.
// The network checks (Stripe, HubSpot, Zendesk, DNS, TLS) are reused for a minute; only an admin re-runs them.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { CHECK_GROUPS, readinessForPage, summarize } from "@/lib/readiness";
import { PageHeader } from "@/components/ui/page-header";
import { ReadinessGroup } from "./readiness-group";
import { ReadinessSummaryCard } from "./readiness-summary";
import { RunAgainButton } from "./run-again-button";

export const metadata: Metadata = { title: "Readiness" };

export default async function ReadinessPage() {
  const actor = await requirePageActor("viewer", "/readiness");
  const started = performance.now();
  const { checks, networkCheckedAt } = await readinessForPage();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = summarize(checks);
  const checkedAt = new Date();
  return (
    <>
      <PageHeader
        title="Readiness"
        description="Is this deployment ready for real customers? The same checks run in the terminal with npm run doctor."
        actions={hasRole(actor.role, "admin") ? <RunAgainButton /> : null}
      />
      <ReadinessSummaryCard
        summary={summary}
        failing={checks.filter((c) => c.status === "fail")}
        checkedAt={checkedAt}
        networkCheckedAt={networkCheckedAt}
        seconds={seconds}
      />
      {CHECK_GROUPS.map((group) => {
        const inGroup = checks.filter((c) => c.group === group);
        return inGroup.length ? <ReadinessGroup key={group} group={group} checks={inGroup} /> : null;
      })}
    </>
  );
}
