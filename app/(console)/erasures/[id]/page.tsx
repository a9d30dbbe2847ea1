// One erasure: the receipt (a line per system: what was done, when, the system's confirmation id), the erasure
// pipeline's steps as on the event page (admins replay a failed step here), and "Copy receipt" / "Download
// receipt" to send the person. While it runs the page refreshes itself.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { getErasure } from "@/db/queries/erasures";
import { getEventDetail, isUuid, listEventReplays } from "@/db/queries/events";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { stepLabel } from "@/lib/pipeline/engine/step-names";
import { StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time";
import { StepTimeline } from "@/components/events/step-timeline";
import { buildReceipt, receiptText, requesterLabel } from "@/components/erasure/receipt";
import { ReceiptActions } from "@/components/erasure/receipt-actions";
import { ReceiptLines } from "@/components/erasure/receipt-lines";
import { EventActions } from "../../events/[id]/event-actions";
import { EventAutoRefresh } from "../../events/[id]/event-auto-refresh";

type Params = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Erasure receipt" };

const STATUS = {
  running: { badge: "running", label: "Running" },
  completed: { badge: "succeeded", label: "Completed" },
  failed: { badge: "failed", label: "Failed" },
} as const;

export default async function ErasurePage({ params }: Params) {
  const { id } = await params;
  const actor = await requirePageActor("viewer", `/erasures/${encodeURIComponent(id)}`);
  const db = await getDb();
  const detail = isUuid(id) ? await getErasure(db, id) : undefined;
  if (!detail) notFound();
  const { erasure, event } = detail;
  const receipt = buildReceipt(detail);
  const [eventDetail, replays] = event
    ? await Promise.all([getEventDetail(db, event.id), listEventReplays(db, event.id)])
    : [null, []];
  const order = detail.steps.map((s) => s.step);
  const steps = [...(eventDetail?.steps ?? [])].sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step));
  const busy = event?.status === "received" || event?.status === "processing";
  const canReplay = hasRole(actor.role, "admin");
  const status = STATUS[detail.status];

  return (
    <>
      <Link href="/erasures" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Erasures
      </Link>
      <header className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight">Erasure receipt</h1>
            <StatusBadge status={status.badge} label={status.label} />
          </div>
          <p className="mt-1 text-sm text-slate-600">
            Requested <Time date={erasure.requestedAt} /> by {requesterLabel(erasure.requestedBy)}
            {erasure.completedAt ? (
              <>
                {" "}
                · completed <Time date={erasure.completedAt} />
              </>
            ) : null}
          </p>
          {erasure.reason ? <p className="mt-1 text-sm text-slate-700">Reason: {erasure.reason}</p> : null}
          <p className="mt-1 text-xs text-slate-500">
            Reference <span className="font-mono">{erasure.id}</span> · Stripe subscriptions{" "}
            {erasure.stripeCancel === "period_end" ? "end with the paid period" : "cancelled at once"}
          </p>
        </div>
        <ReceiptActions erasureId={erasure.id} text={receiptText(receipt)} />
      </header>
      <EventAutoRefresh active={busy} />
      {detail.status === "failed" && event ? (
        <div role="alert" className="mb-6 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-medium">
            {event.failedStep ? `Stopped at “${stepLabel(event.failedStep)}”` : "The erasure stopped with an error"}
          </p>
          {event.lastError ? <p className="mt-1 break-words">{event.lastError}</p> : null}
          <p className="mt-2 text-red-800">
            {canReplay
              ? "Fix the cause (the service's status, a token), then replay the failed steps below: the systems already erased are not called again."
              : "An admin can replay the failed steps once the cause is fixed."}
          </p>
        </div>
      ) : null}

      <h2 className="mb-3 text-lg font-semibold">What each system did</h2>
      <ReceiptLines lines={receipt.systems} />

      <div className="mt-8 mb-3 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">Steps</h2>
        {event && canReplay && event.status !== "succeeded" ? (
          <EventActions eventId={event.id} type="user.deleted" status={event.status} />
        ) : null}
      </div>
      {steps.length === 0 ? (
        <EmptyState title="No steps recorded yet">
          {event
            ? "The pipeline has not picked this erasure up yet; its steps appear here as they run."
            : "This erasure's pipeline event is gone, so there are no steps to show."}
        </EmptyState>
      ) : (
        <StepTimeline steps={steps} replays={replays} />
      )}
      {event ? (
        <p className="mt-3 text-sm text-slate-600">
          <Link href={`/events/${event.id}`} className="font-medium text-indigo-700 hover:underline">
            Open the pipeline event
          </Link>{" "}
          for its attempts and payload.
        </p>
      ) : null}
    </>
  );
}
