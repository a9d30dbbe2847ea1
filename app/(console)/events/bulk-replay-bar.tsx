"use client";
// Bulk replay above the events list (admins): the selected failed rows, or every failed event matching
// the filters. A confirmation states the exact number; then "x of N done, y failed" until all finish, read
// from the database (use-replay-progress.ts): a reload or another admin's page shows the same replay.
import { sourceLabel } from "@/components/events/source-label";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatInZone } from "@/components/ui/time";
import { useDisplayTimeZone } from "@/components/ui/time-zone";
import { bulkReplayAction, countBulkReplayAction, type BulkReplayFilter } from "@/lib/actions/bulk-replay-action";
import { ReplayProgressStatus } from "./replay-progress-status";
import { useReplayProgress, type ReplayRun } from "./use-replay-progress";

type Props = {
  selectedIds: string[];
  /** The list's filters without status; null when the status filter excludes failed events. */
  filter: BulkReplayFilter | null;
  /** Failed events matching the filters when the page was rendered. */
  matching: number;
  onQueued: () => void;
};

type Confirm =
  | { kind: "selected"; count: number }
  | { kind: "filter"; count: number | null; limit?: number; error?: string };

const plural = (n: number) => `${n.toLocaleString("en-US")} failed event${n === 1 ? "" : "s"}`;

/** The filter in words, its times in the display time zone (what the date fields showed). */
export function describeFilter(filter: BulkReplayFilter, zone: string | null): string {
  const at = (iso: string) => formatInZone(new Date(iso), "d MMM yyyy, HH:mm zzz", zone);
  const parts = [
    filter.type && `type ${filter.type}`,
    filter.source && `source ${sourceLabel(filter.source)}`,
    filter.customer && `customer ${filter.customer}`,
    filter.from && `received from ${at(filter.from)}`,
    filter.to && `until ${at(filter.to)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "no filter: every failed event";
}

function announce(run: ReplayRun) {
  const { total, failed } = run.progress;
  if (failed === 0)
    toast.success(
      `Bulk replay finished: ${total.toLocaleString("en-US")} event${total === 1 ? "" : "s"} replayed, all succeeded`,
    );
  else
    toast.error(`Bulk replay finished: ${failed} of ${total} failed again`, {
      description: "They are still in the failed list with their new error.",
    });
}

export function BulkReplayBar({ selectedIds, filter, matching, onQueued }: Props) {
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [pending, startTransition] = useTransition();
  const zone = useDisplayTimeZone();
  const { run, start, dismiss } = useReplayProgress(announce);
  const running = run?.state === "running";

  const openFilter = () => {
    if (!filter) return;
    setConfirm({ kind: "filter", count: null });
    void countBulkReplayAction(filter).then((r) =>
      setConfirm((c) =>
        c?.kind === "filter"
          ? r.ok
            ? { kind: "filter", count: r.count, limit: r.limit }
            : { kind: "filter", count: null, error: r.error }
          : c,
      ),
    );
  };

  const queue = () => {
    if (!confirm) return;
    const target = confirm.kind === "selected" ? { ids: selectedIds } : filter ? { filter } : null;
    if (!target) return;
    startTransition(async () => {
      const result = await bulkReplayAction(target);
      setConfirm(null);
      if (!result.ok) {
        toast.error(result.status === 403 ? "You cannot replay events" : "Bulk replay refused", {
          description: result.error,
        });
        return;
      }
      if (result.queued !== confirm.count)
        toast.info(`${plural(result.queued)} queued (the list changed since the count)`);
      start(result.replayId, result.queued);
      onQueued();
    });
  };

  const count = confirm?.count ?? null;
  // Nothing failed here and nothing in flight: no bar (the hooks above keep a finished run's summary).
  if (matching === 0 && selectedIds.length === 0 && !run && !confirm) return null;
  return (
    <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-white px-3 py-2">
      <span className="text-sm font-medium text-slate-700">Bulk replay</span>
      <Button
        size="sm"
        onClick={() => setConfirm({ kind: "selected", count: selectedIds.length })}
        disabled={selectedIds.length === 0 || running}
      >
        Replay selected ({selectedIds.length})
      </Button>
      {filter ? (
        <Button size="sm" onClick={openFilter} disabled={matching === 0 || running}>
          Replay all failed matching these filters ({matching.toLocaleString("en-US")})
        </Button>
      ) : (
        <span className="text-xs text-slate-500">Set the status filter to Failed (or All) to replay by filter.</span>
      )}
      <div className="ml-auto">
        {run ? (
          <ReplayProgressStatus run={run} onDismiss={dismiss} />
        ) : (
          <span className="text-xs text-slate-500">Only failed steps re-run; what succeeded is never repeated.</span>
        )}
      </div>
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        onConfirm={queue}
        busy={pending}
        confirmDisabled={count === null || count === 0}
        title={
          confirm?.kind === "selected"
            ? "Replay the selected events?"
            : "Replay every failed event matching these filters?"
        }
        confirmLabel={count ? `Replay ${plural(count)}` : "Replay"}
      >
        {confirm?.kind === "filter" && confirm.error ? (
          <p className="text-red-700">Could not count the events: {confirm.error}</p>
        ) : count === null ? (
          <p>Counting the failed events that match…</p>
        ) : count === 0 ? (
          <p>No failed events match these filters any more. Nothing to replay.</p>
        ) : (
          <p data-testid="bulk-replay-count" className="text-base text-slate-900">
            <strong>{plural(count)}</strong> will be replayed.
          </p>
        )}
        {confirm?.kind === "filter" && confirm.limit && count === confirm.limit ? (
          <p>
            That is the most one replay takes: the oldest {confirm.limit.toLocaleString("en-US")} go first; replay again
            for the rest.
          </p>
        ) : null}
        {confirm?.kind === "filter" && filter ? <p>Filters: {describeFilter(filter, zone)}.</p> : null}
        <p>
          Each event re-runs only its failed steps, one customer at a time; the steps that already succeeded are not
          repeated.
        </p>
      </ConfirmDialog>
    </div>
  );
}
