"use client";
// Follows a bulk replay: polls its progress every second, refreshes the list when something finished,
// and settles once nothing is pending (or gives up watching after a few minutes: the work goes on).
import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { bulkReplayProgressAction } from "@/lib/actions/bulk-replay-progress-action";
import type { ReplayProgress } from "@/lib/commands/replay-progress";
import { fail } from "@/lib/result";

const POLL_MS = 1_000;
const WATCH_MS = 5 * 60_000;

export type ReplayRun = {
  eventIds: string[];
  queuedAt: string;
  progress: ReplayProgress;
  state: "running" | "finished" | "unwatched" | "error";
  error?: string;
};

const initial = (eventIds: string[]): ReplayProgress => ({
  total: eventIds.length,
  done: 0,
  succeeded: 0,
  failed: 0,
  pending: eventIds.length,
  missing: 0,
  failedIds: [],
});

export function useReplayProgress(onFinished: (run: ReplayRun) => void) {
  const router = useRouter();
  const [run, setRun] = useState<ReplayRun | null>(null);
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });

  const start = useCallback((eventIds: string[], queuedAt: string) => {
    setRun({ eventIds, queuedAt, progress: initial(eventIds), state: eventIds.length ? "running" : "finished" });
  }, []);
  const dismiss = useCallback(() => setRun(null), []);

  const running = run?.state === "running";
  const ids = run?.eventIds;
  const queuedAt = run?.queuedAt;
  useEffect(() => {
    if (!running || !ids || !queuedAt) return;
    let stopped = false;
    let lastDone = 0;
    const until = Date.now() + WATCH_MS;
    const tick = async () => {
      const result = await bulkReplayProgressAction(ids, queuedAt).catch((err: unknown) => fail(500, String(err)));
      if (stopped) return;
      if (!result.ok) {
        setRun((r) => (r ? { ...r, state: "error", error: result.error } : r));
        return;
      }
      const { progress } = result;
      if (progress.done !== lastDone) router.refresh();
      lastDone = progress.done;
      const state = progress.pending === 0 ? "finished" : Date.now() > until ? "unwatched" : "running";
      const next: ReplayRun = { eventIds: ids, queuedAt, progress, state };
      setRun(next);
      if (state === "finished") finished.current(next);
      if (state === "running") timer = setTimeout(tick, POLL_MS);
    };
    let timer = setTimeout(tick, POLL_MS / 2);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running, ids, queuedAt, router]);

  return { run, start, dismiss };
}
