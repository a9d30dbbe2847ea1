// One event: its fields, the pipeline steps it went through (where it stopped, and why), and the raw body.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { format } from "date-fns";
import { requirePageActor } from "@/lib/access";
import { getDb } from "@/db";
import { getEventDetail, type EventDetail } from "@/db/queries/events";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Event" };

const exact = (d: Date | null) => (d ? format(d, "yyyy-MM-dd HH:mm:ss.SSS 'UTC'xxx") : "—");

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageActor("viewer", `/events/${id}`);
  const detail = await getEventDetail(await getDb(), id);
  if (!detail) notFound();
  const { event, customer, steps } = detail;
  return (
    <>
      <Link href="/events" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Events
      </Link>
      <PageHeader title={event.type} description={`${event.source === "stripe" ? "Stripe" : "App"} event ${event.externalId}`} actions={<StatusBadge status={event.status} />} />
      <dl className="mb-8 grid grid-cols-2 gap-x-8 gap-y-4 rounded-lg border border-slate-200 bg-white p-5 text-sm lg:grid-cols-4">
        <Field label="Source">
          <Badge>{event.source === "stripe" ? "Stripe" : "App"}</Badge>
        </Field>
        <Field label="Customer">
          {customer ? (
            <Link href={`/events?customer=${encodeURIComponent(customer.appUserId)}`} className="hover:underline" title="Show this customer's events">
              <span className="font-mono">{customer.appUserId}</span>
              {customer.email ? <span className="block text-xs text-slate-500">{customer.email}</span> : null}
            </Link>
          ) : (
            <span className="text-slate-500">Not linked yet</span>
          )}
        </Field>
        <Field label="Correlation id">
          <span className="font-mono text-xs break-all">{event.correlationId}</span>
        </Field>
        <Field label="Attempts">{event.attempts}</Field>
        <Field label="Occurred">{event.occurredAt ? <RelativeTime date={event.occurredAt} /> : "—"}</Field>
        <Field label="Received">
          <RelativeTime date={event.receivedAt} />
        </Field>
        <Field label="Processed">{event.processedAt ? <RelativeTime date={event.processedAt} /> : "Not yet"}</Field>
        <Field label="Event id">
          <span className="font-mono text-xs break-all">{event.id}</span>
        </Field>
        {event.lastError ? (
          <div className="col-span-full">
            <dt className="text-xs font-medium text-slate-500">Last error</dt>
            <dd className="mt-1 rounded-md bg-red-50 px-3 py-2 text-red-800">{event.lastError}</dd>
          </div>
        ) : null}
      </dl>
      <h2 className="mb-3 text-lg font-semibold">Steps</h2>
      {steps.length === 0 ? (
        <EmptyState title="No steps recorded">
          {event.status === "ignored" ? "This event type needs no work, so it was stored and ignored." : "Steps appear here once the pipeline picks the event up."}
        </EmptyState>
      ) : (
        <StepsTable steps={steps} />
      )}
      <h2 className="mt-8 mb-3 text-lg font-semibold">Payload</h2>
      {event.redactedAt ? (
        <EmptyState title="Payload redacted">The raw body was removed on {exact(event.redactedAt)}.</EmptyState>
      ) : (
        <pre className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100">
          {typeof detail.payload === "string" || detail.payload === null ? (detail.rawBody ?? "") : JSON.stringify(detail.payload, null, 2)}
        </pre>
      )}
    </>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1">{children}</dd>
    </div>
  );
}

function StepsTable({ steps }: { steps: EventDetail["steps"] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Pipeline steps</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
          <tr>
            {["Step", "Status", "Attempts", "Result", "Started", "Finished"].map((h) => (
              <th key={h} scope="col" className="px-4 py-2.5">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {steps.map((s) => (
            <tr key={s.id} className="align-top">
              <td className="px-4 py-2.5 font-mono text-[13px] whitespace-nowrap">{s.step}</td>
              <td className="px-4 py-2.5">
                <StatusBadge status={s.status} />
              </td>
              <td className="px-4 py-2.5 tabular-nums">{s.attempts}</td>
              <td className="max-w-md px-4 py-2.5">
                {s.lastError ? (
                  <span className="text-red-800">
                    {s.errorStatus ? <span className="font-mono">HTTP {s.errorStatus} · </span> : null}
                    {s.lastError}
                  </span>
                ) : s.externalRef ? (
                  <span className="font-mono text-xs">{s.externalRef}</span>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className="px-4 py-2.5 whitespace-nowrap">
                <RelativeTime date={s.startedAt} />
              </td>
              <td className="px-4 py-2.5 whitespace-nowrap">
                <RelativeTime date={s.finishedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
