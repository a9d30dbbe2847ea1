// Per handler and step: attempts, failure rate, p50 and p95, slowest first. A p95 over ALERT_STEP_P95_MS is
// marked in words as well as colour; each row opens the handler's events of the window (failed ones too).
import Link from "next/link";
import type { StepLatencyRow } from "@/db/queries/step-latency";
import { stepLabel } from "@/lib/pipeline/engine/step-names";
import { Badge } from "@/components/ui/badge";
import { formatMs, formatPercent } from "./format";

export function LatencyTable({
  rows,
  since,
  thresholdMs,
}: {
  rows: StepLatencyRow[];
  since: Date;
  thresholdMs: number;
}) {
  const from = encodeURIComponent(since.toISOString());
  return (
    <>
      <div className="relative hidden overflow-x-auto rounded-lg border border-slate-200 bg-white md:block">
        <table className="w-full min-w-[44rem] text-sm">
          <caption className="sr-only">Step latency per handler and step, slowest p95 first</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Handler
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Step
              </th>
              <th scope="col" className="px-4 py-2.5 text-right font-medium">
                Attempts
              </th>
              <th scope="col" className="px-4 py-2.5 text-right font-medium">
                Failure rate
              </th>
              <th scope="col" className="px-4 py-2.5 text-right font-medium">
                p50
              </th>
              <th scope="col" className="px-4 py-2.5 text-right font-medium">
                p95
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const slow = r.p95Ms > thresholdMs;
              const events = `/events?type=${encodeURIComponent(r.type)}&from=${from}`;
              return (
                <tr key={`${r.type}/${r.step}`} className="border-b border-slate-100 last:border-0">
                  <td className="px-4 py-2.5 font-mono text-xs text-slate-700">{r.type}</td>
                  <td className="px-4 py-2.5">
                    <Link href={events} className="font-medium text-slate-900 hover:underline">
                      {stepLabel(r.step)}
                    </Link>
                    <span className="ml-2 font-mono text-xs text-slate-500">{r.step}</span>
                  </td>
                  <td className="px-4 py-2.5 text-right tabular-nums">{r.count.toLocaleString("en-US")}</td>
                  <td className="px-4 py-2.5 text-right tabular-nums">
                    {r.failed > 0 ? (
                      <Link href={`${events}&status=failed`} className="text-red-700 hover:underline">
                        {formatPercent(r.failureRatePercent)}
                      </Link>
                    ) : (
                      <span className="text-slate-600">0%</span>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-right whitespace-nowrap tabular-nums text-slate-700">
                    {formatMs(r.p50Ms)}
                  </td>
                  <td className="px-4 py-2.5 text-right tabular-nums">
                    {slow ? (
                      <span className="inline-flex items-center gap-2">
                        <Badge variant="warning">over {formatMs(thresholdMs)}</Badge>
                        <span className="font-semibold whitespace-nowrap text-amber-800">{formatMs(r.p95Ms)}</span>
                      </span>
                    ) : (
                      <span className="whitespace-nowrap text-slate-900">{formatMs(r.p95Ms)}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {/* On a phone: one card per row, every figure visible without scrolling sideways. */}
      <ul className="flex flex-col gap-2 md:hidden" aria-label="Step latency per handler and step">
        {rows.map((r) => {
          const slow = r.p95Ms > thresholdMs;
          const events = `/events?type=${encodeURIComponent(r.type)}&from=${from}`;
          return (
            <li key={`${r.type}/${r.step}`} className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm">
              <div className="flex items-start justify-between gap-3">
                <Link href={events} className="font-medium text-slate-900 hover:underline">
                  {stepLabel(r.step)}
                </Link>
                <span
                  className={
                    slow ? "font-semibold whitespace-nowrap text-amber-800" : "whitespace-nowrap text-slate-900"
                  }
                >
                  p95 {formatMs(r.p95Ms)}
                </span>
              </div>
              <div className="mt-0.5 font-mono text-xs text-slate-500">
                {r.type} · {r.step}
              </div>
              <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-slate-600">
                <span>p50 {formatMs(r.p50Ms)}</span>
                <span>
                  {r.count.toLocaleString("en-US")} attempt{r.count === 1 ? "" : "s"}
                </span>
                <span className={r.failed > 0 ? "text-red-700" : undefined}>
                  {formatPercent(r.failureRatePercent)} failed
                </span>
                {slow ? <Badge variant="warning">over {formatMs(thresholdMs)}</Badge> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
