// Launch readiness: the checks of `npm run doctor` (configuration, database, integrations, jobs,
// webhook freshness, public URL, email domain), grouped, each with what was found and the fix.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { CHECK_GROUPS, runReadinessChecks, summarize } from "@/lib/readiness";
import { PageHeader } from "@/components/ui/page-header";
import { ReadinessGroup } from "./readiness-group";
import { ReadinessSummaryCard } from "./readiness-summary";
import { RunAgainButton } from "./run-again-button";

export const metadata: Metadata = { title: "Readiness" };

export default async function ReadinessPage() {
  await requirePageActor("viewer", "/readiness");
  const started = performance.now();
  const checks = await runReadinessChecks();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = summarize(checks);
  return (
    <>
      <PageHeader
        title="Readiness"
        description="Is this deployment ready for real customers? The same checks run in the terminal with npm run doctor."
        actions={<RunAgainButton />}
      />
      <ReadinessSummaryCard
        summary={summary}
        failing={checks.filter((c) => c.status === "fail")}
        checkedAt={new Date()}
        seconds={seconds}
      />
      {CHECK_GROUPS.map((group) => {
        const inGroup = checks.filter((c) => c.group === group);
        return inGroup.length ? <ReadinessGroup key={group} group={group} checks={inGroup} /> : null;
      })}
    </>
  );
}
