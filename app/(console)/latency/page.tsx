// Latency: how long each pipeline step takes per handler (event type), over 1 h / 24 h / 7 d, from the step
// records (every attempt). The slow ones are the ones the "Slow step" alert (ALERT_STEP_P95_MS) names.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/auth/access";
import { env } from "@/lib/env";
import { getDb } from "@/db";
import { getStepLatency, isLatencyWindow, WINDOW_SPEC, type LatencyWindow } from "@/db/queries/step-latency";
import { pathWithQuery, type SearchParamsInput } from "@/lib/schemas/table-params";
import { stepLabel } from "@/lib/pipeline/engine/step-names";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { WindowSwitch } from "@/components/latency/window-switch";
import { LatencyTable } from "@/components/latency/latency-table";
import { P95Chart } from "@/components/latency/p95-chart";
import { formatMs } from "@/components/latency/format";

export const metadata: Metadata = { title: "Latency" };

const DEFAULT_WINDOW: LatencyWindow = "24h";

export default async function LatencyPage({ searchParams }: { searchParams: Promise<SearchParamsInput> }) {
  const query = await searchParams;
  await requirePageActor("viewer", pathWithQuery("/latency", query));
  const asked = [query instanceof URLSearchParams ? query.get("window") : query.window].flat()[0];
  // An unknown window (a hand-edited link) shows the default rather than an error page.
  const window = isLatencyWindow(asked) ? asked : DEFAULT_WINDOW;
  const spec = WINDOW_SPEC[window];
  const threshold = env.ALERT_STEP_P95_MS;
  const latency = await getStepLatency(await getDb(), window);
  const attempts = latency.steps.reduce((n, s) => n + s.count, 0);
  const overThreshold = latency.steps.filter((s) => s.p95Ms > threshold);
  return (
    <>
      <PageHeader
        title="Latency"
        description={`How long each step of each handler takes, from every attempt recorded. A step whose p95 over the last hour passes ${formatMs(threshold)} (ALERT_STEP_P95_MS) opens a "Slow step" alert.`}
        actions={<WindowSwitch current={window} />}
      />
      {latency.rows.length === 0 ? (
        <EmptyState title={`No step ran in the ${spec.label}`}>
          Steps appear here once events are processed: each attempt's duration and outcome is recorded.
          {window !== "7d" ? " Try a longer window." : ""}
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-6">
          <p className="text-sm text-slate-700">
            {attempts.toLocaleString("en-US")} attempt{attempts === 1 ? "" : "s"} in the {spec.label}.{" "}
            {overThreshold.length === 0 ? (
              <>Every step&apos;s p95 is under {formatMs(threshold)}.</>
            ) : (
              <span className="font-medium text-amber-800">
                Over {formatMs(threshold)} at p95: {overThreshold.map((s) => stepLabel(s.step)).join(", ")}.
              </span>
            )}
          </p>
          <P95Chart
            series={latency.series}
            labels={latency.series.map((s) => stepLabel(s.step))}
            window={window}
            windowLabel={spec.label}
            thresholdMs={threshold}
          />
          <LatencyTable rows={latency.rows} since={latency.since} thresholdMs={threshold} />
          <p className="text-xs text-slate-500">
            Each retry and replay counts as its own attempt; skipped steps are left out. A step links to its
            handler&apos;s events of the window, its failure rate to the failed ones.
          </p>
        </div>
      )}
    </>
  );
}
