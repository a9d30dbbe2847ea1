// One group of checks (Configuration, Database, …): each row its status, what was found, and the fix.
import { GROUP_TITLES, type CheckGroup, type ReadinessCheck } from "@/lib/readiness";
import { CheckStatusBadge } from "./check-status-badge";

function counts(checks: ReadinessCheck[]): string {
  const fail = checks.filter((c) => c.status === "fail").length;
  const warn = checks.filter((c) => c.status === "warn").length;
  const parts = [fail ? `${fail} to fix` : "", warn ? `${warn} ${warn === 1 ? "warning" : "warnings"}` : ""].filter(
    Boolean,
  );
  return parts.length ? parts.join(", ") : "all passed";
}

export function ReadinessGroup({ group, checks }: { group: CheckGroup; checks: ReadinessCheck[] }) {
  const headingId = `group-${group}`;
  return (
    <section aria-labelledby={headingId} className="mb-8">
      <div className="mb-2 flex items-baseline justify-between">
        <h2 id={headingId} className="text-base font-semibold">
          {GROUP_TITLES[group]}
        </h2>
        <span className="text-sm text-slate-500">{counts(checks)}</span>
      </div>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {checks.map((c) => (
          <li
            key={c.id}
            id={c.id}
            data-check={c.id}
            data-status={c.status}
            className="grid grid-cols-1 items-start gap-x-4 gap-y-1.5 px-5 py-3.5 text-sm scroll-mt-6 md:grid-cols-[6rem_15rem_1fr] md:gap-y-4"
          >
            <span className="pt-px">
              <CheckStatusBadge status={c.status} />
            </span>
            <span className="font-medium text-slate-900">{c.title}</span>
            <div className="min-w-0">
              <p className="break-words text-slate-700">{c.detail}</p>
              {c.fix ? (
                <p className={`mt-1 break-words ${c.status === "fail" ? "text-red-800" : "text-amber-900"}`}>
                  <span className="font-medium">Fix: </span>
                  {c.fix}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
