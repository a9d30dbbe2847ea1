// Overview: what needs the founder first (each problem in words with its one action), then the health of
// the flow at a glance; each figure opens exactly the list behind it.
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { getDb } from "@/db";
import { getNeedsAttention, getOverview } from "@/db/queries/overview";
import { NeedsAttentionList } from "@/components/attention/needs-attention";
import { getFlowFigures } from "@/db/queries/flow-figures";
import { env } from "@/lib/env";
import { FlowFiguresGrid } from "@/components/overview/flow-figures";
import { VolumeChart } from "@/components/overview/volume-chart";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Overview" };

type Tone = "neutral" | "danger" | "warning";
const TONES: Record<Tone, string> = {
  neutral: "text-slate-900",
  danger: "text-red-700",
  warning: "text-amber-700",
};

function Figure({
  href,
  label,
  value,
  tone = "neutral",
  children,
}: {
  href: string;
  label: string;
  value: number;
  tone?: Tone;
  children: React.ReactNode;
}) {
  return (
    <Link
      href={href}
      className="group flex flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-xs transition-colors hover:border-slate-400"
    >
      <span className="text-sm font-medium text-slate-600">{label}</span>
      <span className={`mt-2 text-3xl font-semibold tabular-nums ${value > 0 ? TONES[tone] : "text-slate-900"}`}>
        {value.toLocaleString("en-US")}
      </span>
      <span className="mt-2 text-sm text-slate-500">{children}</span>
      <span className="mt-4 text-sm font-medium text-indigo-700 group-hover:underline">View →</span>
    </Link>
  );
}

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor("viewer", "/");
  const db = await getDb();
  const [o, flow, attention, query] = await Promise.all([
    getOverview(db),
    getFlowFigures(db),
    getNeedsAttention(db),
    searchParams,
  ]);
  const dayAgo = encodeURIComponent(o.dayAgo.toISOString());
  // The UTC day the count covers, as an instant: the events list shows it in the display time zone.
  const today = encodeURIComponent(o.todayStart.toISOString());
  const nothingYet =
    o.eventsToday === 0 &&
    o.failedEvents === 0 &&
    o.backlog === 0 &&
    o.customers === 0 &&
    o.openAlerts === 0 &&
    o.rejectedDeliveries24h === 0;
  return (
    <>
      <PageHeader
        title="Overview"
        description="Payments, CRM and support kept in step with your app. Anything that needs you shows up here first."
      />
      {query.forbidden ? (
        <p
          role="alert"
          className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          That page needs a higher role than yours. Ask an owner if you need access.
        </p>
      ) : null}
      {nothingYet ? null : <NeedsAttentionList data={attention} canAct={hasRole(actor.role, "admin")} />}
      {/* One card per figure; the grid wraps however many there are. */}
      <section
        aria-label="Health figures"
        className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-[repeat(auto-fit,minmax(12rem,1fr))]"
      >
        <Figure href={`/events?from=${today}`} label="Events today" value={o.eventsToday}>
          Received since <Time date={o.todayStart} pattern="HH:mm" showZone /> (midnight UTC).
        </Figure>
        <Figure href="/events?status=failed" label="Failed events" value={o.failedEvents} tone="danger">
          {o.failedEvents > 0 ? "Open one to see the failed step, then replay it." : "Nothing failed."}
        </Figure>
        <Figure href="/events?status=received,processing" label="Backlog" value={o.backlog} tone="warning">
          {o.oldestBacklogAt ? (
            <>
              Oldest waiting since <RelativeTime date={o.oldestBacklogAt} />.
            </>
          ) : (
            "Every event has been processed."
          )}
        </Figure>
        <Figure href="/alerts?status=open" label="Open alerts" value={o.openAlerts} tone="danger">
          {o.openAlerts > 0 ? "Billing or ops problems to acknowledge." : "All quiet."}
        </Figure>
        <Figure href="/customers" label="Customers" value={o.customers}>
          With a unified identity across systems.
        </Figure>
        <Figure
          href={`/deliveries?from=${dayAgo}`}
          label="Rejected deliveries"
          value={o.rejectedDeliveries24h}
          tone="warning"
        >
          {o.rejectedDeliveries24h > 0
            ? "Webhooks refused in the last 24 h: see why and what to fix."
            : "No webhook refused in the last 24 h."}
        </Figure>
        <Figure href="/drift" label="Drift" value={o.openDrift} tone="warning">
          {o.openDrift > 0
            ? "Differences between our records and Stripe, HubSpot or Zendesk: review and repair."
            : "Stripe, HubSpot and Zendesk match our records."}
        </Figure>
        {o.backfilled24h > 0 ? (
          <Figure
            href={`/events?via=backfill&from=${dayAgo}`}
            label="Found by backfill"
            value={o.backfilled24h}
            tone="warning"
          >
            Stripe events of the last 24 h that only the backfill found: their webhook deliveries never arrived.
          </Figure>
        ) : null}
      </section>
      {nothingYet ? null : (
        <div className="mt-6 flex flex-col gap-4">
          <FlowFiguresGrid
            f={flow}
            paymentDelayThreshold={env.alertThresholds.paymentDelayP95Seconds}
            failureRateThreshold={env.alertThresholds.failureRatePercent}
          />
          <VolumeChart data={flow.volume} />
        </div>
      )}
      {nothingYet ? (
        <div className="mt-8">
          <EmptyState title="Nothing has arrived yet">
            <p>
              Register <code className="rounded bg-slate-100 px-1 font-mono text-xs">/api/webhooks/stripe</code> as a
              webhook endpoint in Stripe and point your app backend at{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">/api/webhooks/app</code>, or run{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">npm run demo</code> for a seeded scenario.
              Check{" "}
              <Link href="/readiness" className="font-medium text-indigo-700 underline">
                Readiness
              </Link>{" "}
              for what is still to configure.
            </p>
          </EmptyState>
        </div>
      ) : null}
    </>
  );
}
