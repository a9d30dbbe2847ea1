// The verdict at the top: how many checks block the launch, which ones, and how many only warn.
import type { ReadinessCheck, ReadinessSummary } from "@/lib/readiness";
import { Time } from "@/components/ui/time";

export function ReadinessSummaryCard({
  summary,
  failing,
  checkedAt,
  networkCheckedAt,
  networkSource,
  nextAutomaticRun,
  seconds,
}: {
  summary: ReadinessSummary;
  failing: ReadinessCheck[];
  checkedAt: Date;
  /** When the network checks (services, DNS, TLS) shown ran. */
  networkCheckedAt: Date;
  /** "schedule": the ops tick's hourly run; "page": a run made for this page or by "Run again". */
  networkSource: "schedule" | "page";
  /** When the ops tick runs them next (null before its first run). */
  nextAutomaticRun: Date | null;
  seconds: string;
}) {
  const blocked = summary.fail > 0;
  const ran = <Time date={networkCheckedAt} pattern="HH:mm" showZone />;
  const next = nextAutomaticRun ? <Time date={nextAutomaticRun} pattern="HH:mm" showZone /> : null;
  return (
    <section
      aria-label="Summary"
      className={`mb-8 rounded-lg border px-5 py-4 ${blocked ? "border-red-200 bg-red-50" : "border-emerald-200 bg-emerald-50"}`}
    >
      <p className={`text-lg font-semibold ${blocked ? "text-red-900" : "text-emerald-900"}`}>
        {blocked ? `${summary.fail} to fix before launch` : "Nothing to fix before launch"}
      </p>
      <p className="mt-0.5 text-sm text-slate-700">
        {summary.warn} {summary.warn === 1 ? "warning" : "warnings"} · {summary.pass} passed · {summary.total} checks,
        run at <Time date={checkedAt} pattern="HH:mm:ss" showZone /> in {seconds} s
      </p>
      <p
        className="mt-0.5 text-sm text-slate-600"
        data-network-checked-at={networkCheckedAt.toISOString()}
        data-network-source={networkSource}
      >
        Stripe, HubSpot, Zendesk, DNS and TLS{" "}
        {networkSource === "schedule" && next ? (
          <>
            checked automatically at {ran}, next at {next}. Failures open an alert by themselves.
          </>
        ) : next ? (
          <>
            run again at {ran}; the next automatic run is at {next}.
          </>
        ) : (
          <>
            checked at {ran} for this page; from the operations loop's first minute on they run by themselves every
            hour.
          </>
        )}
      </p>
      {failing.length ? (
        <ul className="mt-3 space-y-1 text-sm">
          {failing.map((c) => (
            <li key={c.id}>
              <a
                href={`#${c.id}`}
                className="font-medium text-red-900 underline decoration-red-300 underline-offset-2 hover:decoration-red-700"
              >
                {c.title}
              </a>
              <span className="text-red-900">: {c.fix}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
