// Every event of the customer, newest first, with its outcome; each opens the event's step timeline.
import { sourceLabel } from "@/components/events/source-label";
import Link from "next/link";
import type { EventListRow } from "@/db/queries/events";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/empty-state";

type Props = { rows: EventListRow[]; total: number; appUserId: string };

export function CustomerTimeline({ rows, total, appUserId }: Props) {
  const allHref = `/events?customer=${encodeURIComponent(appUserId)}`;
  return (
    <section aria-labelledby="timeline-title">
      <div className="mb-3 flex items-baseline justify-between gap-4">
        <h2 id="timeline-title" className="text-base font-semibold">
          Timeline{" "}
          <span className="font-normal text-slate-500">
            ({total.toLocaleString("en-US")} {total === 1 ? "event" : "events"})
          </span>
        </h2>
        {total > 0 ? (
          <Link href={allHref} className="text-sm text-indigo-700 hover:underline">
            {total > rows.length ? `All ${total.toLocaleString("en-US")} events →` : "Open in Events →"}
          </Link>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No events for this customer yet">
          Events from the app and Stripe appear here once they name this customer.
        </EmptyState>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {rows.map((e) => (
            <li key={e.id}>
              <Link
                href={`/events/${e.id}`}
                className="flex items-start gap-4 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50"
              >
                <span className="w-20 shrink-0 text-sm text-slate-600 sm:w-28">
                  <RelativeTime date={e.receivedAt} />
                </span>
                <span className="min-w-0 flex-1">
                  <span className="flex flex-wrap items-center gap-2">
                    {/* On a phone a long type wraps at its dots rather than running under the status. */}
                    <span className="min-w-0 font-mono text-[13px] font-medium break-all text-slate-900">{e.type}</span>
                    <Badge variant="muted">{sourceLabel(e.source)}</Badge>
                  </span>
                  {e.lastError && e.status === "failed" ? (
                    <span className="mt-1 line-clamp-2 block text-xs text-red-700">{e.lastError}</span>
                  ) : null}
                </span>
                <span className="flex shrink-0 items-center gap-3">
                  {e.attempts > 1 ? <span className="text-xs text-slate-500">{e.attempts} attempts</span> : null}
                  <StatusBadge status={e.status} />
                </span>
              </Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
