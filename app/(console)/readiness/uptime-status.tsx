// The uptime probe's last answer: every minute the console asks its own public address for GET /api/health and
// sends an unsigned webhook POST (lib/monitoring/uptime.ts); three failures in a row open an alert.
import type { UptimeState } from "@/lib/monitoring/uptime";
import { UPTIME_FAILURES_TO_ALERT } from "@/lib/monitoring/uptime";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";

export function UptimeStatus({ appUrl, state }: { appUrl: string | undefined; state: UptimeState | undefined }) {
  const origin = appUrl ? new URL(appUrl).origin : null;
  // A probe of another address (APP_URL changed) says nothing about this one.
  const current = state && state.origin === origin ? state : undefined;
  const badge = !origin ? (
    <Badge variant="neutral">Off</Badge>
  ) : !current ? (
    <Badge variant="neutral">Waiting</Badge>
  ) : current.ok ? (
    <Badge variant="success">Up</Badge>
  ) : (
    <Badge variant="danger">Down</Badge>
  );
  return (
    <section
      id="uptime"
      aria-labelledby="uptime-heading"
      className="mb-8 scroll-mt-6"
      data-uptime={current ? (current.ok ? "up" : "down") : "none"}
    >
      <h2 id="uptime-heading" className="mb-2 text-base font-semibold">
        Uptime
      </h2>
      <div className="grid grid-cols-1 items-start gap-x-4 gap-y-1.5 rounded-lg border border-slate-200 bg-white px-5 py-3.5 text-sm md:grid-cols-[6rem_15rem_1fr]">
        <span className="pt-px">{badge}</span>
        <span className="font-medium text-slate-900">Public URL answers</span>
        <div className="min-w-0 text-slate-700">
          {!origin ? (
            <p>
              Set APP_URL to the console's public address: every minute it will then ask it for /api/health and check
              that the Stripe webhook route refuses an unsigned request.
            </p>
          ) : !current ? (
            <p className="break-words">
              Every minute the console asks {origin}/api/health and posts an unsigned request to the Stripe webhook
              route (it must answer 400). The first probe runs within a minute.
            </p>
          ) : current.ok ? (
            <p className="break-words">
              {origin}/api/health answered ok and the webhook route refused an unsigned request, at{" "}
              <Time date={current.checkedAt} pattern="HH:mm" showZone />. Probed every minute.
            </p>
          ) : (
            <>
              <p className="break-words text-red-900">{current.problems.join("; ")}.</p>
              <p className="mt-1 break-words">
                {current.consecutiveFailures} failed {current.consecutiveFailures === 1 ? "probe" : "probes"} in a row
                since <Time date={current.failingSince} pattern="HH:mm" showZone />
                {current.lastOkAt ? (
                  <>
                    {" "}
                    (last answer <Time date={current.lastOkAt} pattern="d MMM, HH:mm" showZone />)
                  </>
                ) : null}
                ; an alert opens after {UPTIME_FAILURES_TO_ALERT}.
              </p>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
