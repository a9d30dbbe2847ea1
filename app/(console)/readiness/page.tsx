// Launch readiness: the checks of `npm run doctor` (configuration, database, integrations, jobs,
// webhook freshness, public URL, email domain), grouped, each with what was found and the fix, and the
// uptime probe of the public address. The network checks (Stripe, HubSpot, Zendesk, DNS, TLS) come from the
// ops tick's hourly run (lib/monitoring/readiness-watch.ts), so opening the page calls no service; only an admin
// re-runs them now.
import type { Metadata } from "next";
import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { CHECK_GROUPS, readinessForPage, summarize } from "@/lib/readiness";
import { readinessSchedule } from "@/lib/monitoring/readiness-watch";
import { readUptimeState } from "@/lib/monitoring/uptime";
import { PageHeader } from "@/components/ui/page-header";
import { ReadinessGroup } from "./readiness-group";
import { ReadinessSummaryCard } from "./readiness-summary";
import { RunAgainButton } from "./run-again-button";
import { UptimeStatus } from "./uptime-status";

export const metadata: Metadata = { title: "Readiness" };

export default async function ReadinessPage() {
  const actor = await requirePageActor("viewer", "/readiness");
  const started = performance.now();
  const db = await getDb();
  const [schedule, uptime] = await Promise.all([readinessSchedule(db), readUptimeState(db)]);
  const { checks, networkCheckedAt, networkSource } = await readinessForPage({ scheduled: schedule.run });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = summarize(checks);
  const checkedAt = new Date();
  return (
    <>
      <PageHeader
        title="Readiness"
        description="Is this deployment ready for real customers? The same checks run in the terminal with npm run doctor, and by themselves every hour."
        actions={hasRole(actor.role, "admin") ? <RunAgainButton /> : null}
      />
      <ReadinessSummaryCard
        summary={summary}
        failing={checks.filter((c) => c.status === "fail")}
        checkedAt={checkedAt}
        networkCheckedAt={networkCheckedAt}
        networkSource={networkSource}
        nextAutomaticRun={schedule.nextAt}
        seconds={seconds}
      />
      <UptimeStatus appUrl={env.APP_URL} state={uptime} />
      {CHECK_GROUPS.map((group) => {
        const inGroup = checks.filter((c) => c.group === group);
        return inGroup.length ? <ReadinessGroup key={group} group={group} checks={inGroup} /> : null;
      })}
    </>
  );
}
