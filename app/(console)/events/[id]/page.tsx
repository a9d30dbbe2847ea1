// One event: what arrived, for whom, the pipeline steps it went through (where it stopped, and why),
// the payload, and, for admins, the replays.
import { sourceLabel } from "@/components/events/source-label";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { getHandler } from "@/lib/pipeline/engine/registry";
import { stepLabel } from "@/lib/pipeline/engine/step-names";
import { getDb } from "@/db";
import { getEventDetail, listEventReplays, type EventDetail } from "@/db/queries/events";
import { eventRecordLinks } from "@/lib/links/external";
import { StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { JsonViewer } from "@/components/events/json-viewer";
import { ErrorCode, stepErrorView, StepTimeline } from "@/components/events/step-timeline";
import { EventActions } from "./event-actions";
import { EventAutoRefresh } from "./event-auto-refresh";
import { EventSummary } from "./event-summary";
import { RecordLinks } from "./record-links";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  return { title: `Event ${id.slice(0, 8)}` };
}

/** Where the event stopped and why: the failed step (events.failed_step) and the error its row recorded. */
function describeStop(event: EventDetail["event"], steps: EventDetail["steps"]) {
  const lastError = event.lastError ?? "";
  const step = event.failedStep ? steps.find((s) => s.step === event.failedStep) : undefined;
  if (!event.failedStep)
    return { headline: "This event stopped with an error", step: null, error: null, message: lastError };
  const error = step ? stepErrorView(step) : null;
  return {
    headline: `${stepLabel(event.failedStep)} failed`,
    step: event.failedStep,
    error,
    message: error?.message ?? lastError,
  };
}

/** Steps in the order the handler runs them (rows are created together, so their own order says little). */
function inPipelineOrder(detail: EventDetail) {
  const order: string[] = getHandler(detail.event.source, detail.event.type)?.steps.map((s) => s.name) ?? [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...detail.steps].sort((a, b) => rank(a.step) - rank(b.step));
}

export default async function EventPage({ params }: Params) {
  const { id } = await params;
  const actor = await requirePageActor("viewer", `/events/${id}`);
  const db = await getDb();
  const [detail, replays] = await Promise.all([getEventDetail(db, id), listEventReplays(db, id)]);
  if (!detail) notFound();
  const { event, customer } = detail;
  const steps = inPipelineOrder(detail);
  const records = eventRecordLinks(event.source, detail.payload, steps);
  // The step that made a record links its reference to it (the HubSpot contact, the ticket).
  const refUrls = Object.fromEntries(
    records.flatMap((r) => {
      const step = steps.find((s) => s.externalRef === r.id && s.status === "succeeded");
      return step && r.url ? [[step.step, r.url]] : [];
    }),
  );
  const canReplay = hasRole(actor.role, "admin");
  const busy = event.status === "received" || event.status === "processing";
  const stop = event.lastError ? describeStop(event, steps) : null;

  return (
    <>
      <Link href="/events" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Events
      </Link>
      <header className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="font-mono text-2xl font-semibold tracking-tight">{event.type}</h1>
            <StatusBadge status={event.status} />
          </div>
          <p className="mt-1 text-sm text-slate-600">
            {sourceLabel(event.source)} event, received <RelativeTime date={event.receivedAt} />
            {event.processedAt ? (
              <>
                , last processed <RelativeTime date={event.processedAt} />
              </>
            ) : null}
          </p>
        </div>
        {canReplay ? <EventActions eventId={event.id} type={event.type} status={event.status} /> : null}
      </header>
      <EventAutoRefresh active={busy} />
      {stop ? (
        <div role="alert" className="mb-6 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-medium">{stop.headline}</p>
          {stop.step ? (
            <p className="mt-0.5 text-red-800">
              This event stopped at “{stepLabel(stop.step)}” (<code className="font-mono text-[12px]">{stop.step}</code>
              )
              {stop.error ? (
                <>
                  {" — "}
                  {stop.error.source}
                  <ErrorCode code={stop.error.code} />
                </>
              ) : null}
            </p>
          ) : null}
          <p className="mt-1 break-words">{stop.message}</p>
          <p className="mt-2 text-red-800">
            {canReplay
              ? "Fix the cause (a token, a property, the other service's status), then replay the failed steps: the steps that succeeded are not run again."
              : "An admin can replay the failed steps once the cause is fixed."}
          </p>
        </div>
      ) : null}
      <EventSummary event={event} customer={customer} />
      <RecordLinks links={records} />

      <h2 className="mt-8 mb-3 text-lg font-semibold">Steps</h2>
      {steps.length === 0 ? (
        <EmptyState title="No steps recorded">
          {event.status === "ignored"
            ? "No handler processes this event type, so it was stored and marked ignored. Nothing was sent anywhere."
            : busy
              ? "The pipeline has not picked this event up yet; its steps appear here as they run."
              : "This event finished without running any step."}
        </EmptyState>
      ) : (
        <StepTimeline steps={steps} replays={replays} refUrls={refUrls} />
      )}

      <h2 className="mt-8 mb-3 text-lg font-semibold">Payload</h2>
      {detail.rawBody === null ? (
        <EmptyState title="Payload not kept">
          {event.redactedAt ? (
            <>
              The raw body was removed by the retention policy <RelativeTime date={event.redactedAt} />. The steps above
              still show what happened; the event can no longer be replayed.
            </>
          ) : (
            "This event was stored without its raw body, so there is nothing to show or replay."
          )}
        </EmptyState>
      ) : (
        <JsonViewer value={detail.payload} label={`Payload of ${event.externalId}`} />
      )}
    </>
  );
}
