"use client";
// "Replaying: 2 of 3 done, 1 failed", with a progress bar, then the final tally; announced politely. A replay
// found running (after a reload, or another admin's) names who started it.
import Link from "next/link";
import type { ReplayRun } from "./use-replay-progress";

export function ReplayProgressStatus({ run, onDismiss }: { run: ReplayRun; onDismiss: () => void }) {
  const { total, done, failed, failedIds } = run.progress;
  const by = run.startedBy ? ` (started by ${run.startedBy})` : "";
  const label =
    run.state === "running"
      ? `Replaying: ${done} of ${total} done, ${failed} failed`
      : `Replay finished: ${done} of ${total} done, ${failed} failed`;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      {run.state === "running" ? (
        <progress className="h-2 w-32 accent-slate-900" max={total} value={done} aria-label="Bulk replay progress" />
      ) : null}
      <span
        role="status"
        aria-live="polite"
        data-testid="bulk-replay-progress"
        className={failed > 0 ? "text-red-800" : "text-slate-800"}
      >
        {label}
      </span>
      {by ? <span className="text-xs text-slate-500">{by.trim()}</span> : null}
      {run.error ? (
        <span className="text-xs text-amber-800">
          Progress unavailable ({run.error}); the replay continues, retrying…
        </span>
      ) : null}
      {failed > 0 && failedIds[0] && run.state !== "running" ? (
        <Link href={`/events/${failedIds[0]}`} className="text-indigo-700 underline">
          Open a failed one
        </Link>
      ) : null}
      {run.state !== "running" ? (
        <button
          type="button"
          onClick={onDismiss}
          className="rounded px-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          aria-label="Dismiss the replay summary"
        >
          ✕
        </button>
      ) : null}
    </div>
  );
}
