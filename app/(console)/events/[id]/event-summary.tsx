// The facts of one event: where it came from, for whom, when it arrived and finished, how to trace it.
import { sourceLabel } from "@/components/events/source-label";
import Link from "next/link";
import type { EventDetail } from "@/db/queries/events";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { Time as ExactTime } from "@/components/ui/time";

export function EventSummary({ event, customer }: Pick<EventDetail, "event" | "customer">) {
  return (
    <dl className="grid grid-cols-2 gap-x-8 gap-y-5 rounded-lg border border-slate-200 bg-white p-5 text-sm lg:grid-cols-4">
      <Field label="Customer">
        {customer ? (
          <span className="flex flex-col gap-0.5">
            <Link
              href={`/customers/${encodeURIComponent(customer.appUserId)}`}
              className="font-medium text-indigo-700 hover:underline"
            >
              {customer.name ?? customer.email ?? customer.appUserId}
            </Link>
            <span className="font-mono text-xs text-slate-600">{customer.appUserId}</span>
            <Link
              href={`/events?customer=${encodeURIComponent(customer.appUserId)}`}
              className="text-xs text-slate-600 hover:text-slate-900 hover:underline"
            >
              All events of this customer →
            </Link>
          </span>
        ) : (
          <span className="text-slate-600">
            Not linked to a customer
            {event.status === "failed" ? " (the step that finds the customer did not finish)" : ""}
          </span>
        )}
      </Field>
      <Field label="Received">
        <When date={event.receivedAt} />
        {event.arrivedVia === "backfill" ? (
          <span className="mt-1 block text-xs text-amber-700">
            Arrived by backfill (the webhook delivery never reached us)
          </span>
        ) : event.arrivedVia === "import" ? (
          <span className="mt-1 block text-xs text-slate-600">Arrived by the adoption import</span>
        ) : null}
      </Field>
      <Field label="Processed">
        {event.processedAt ? <When date={event.processedAt} /> : <span className="text-slate-600">Not yet</span>}
      </Field>
      <Field label="Occurred at source">
        {event.occurredAt ? <When date={event.occurredAt} /> : <span className="text-slate-600">—</span>}
      </Field>
      <Field label="Source">
        <Badge>{sourceLabel(event.source)}</Badge>
        <span className="mt-1 block font-mono text-xs break-all text-slate-600">{event.externalId}</span>
      </Field>
      <Field label="Correlation id">
        <code className="font-mono text-xs break-all select-all">{event.correlationId}</code>
        <span className="mt-1 block text-xs text-slate-500">In every log line and outbound request of this event</span>
      </Field>
      <Field label="Processing attempts">{event.attempts}</Field>
      <Field label="Event id">
        <code className="font-mono text-xs break-all select-all">{event.id}</code>
      </Field>
    </dl>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}

function When({ date }: { date: Date }) {
  return (
    <span className="flex flex-col">
      <RelativeTime date={date} className="underline decoration-slate-300 decoration-dotted underline-offset-2" />
      <ExactTime date={date} pattern="d MMM yyyy, HH:mm:ss" showZone className="text-xs text-slate-500 tabular-nums" />
    </span>
  );
}
