"use client";
// Follows a bulk replay through GET /api/admin/replays/:id (the session cookie authorises it): the progress is
// kept in the database, so it survives a reload, another tab or the instance that started it dying, and every
// admin sees a replay that is running. On mount it picks up the newest unfinished replay, whoever started it.
// Refreshes the list when something finished and settles once nothing is pending.
import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import type { BulkReplayView, ReplayProgress } from "@/lib/commands/replay-progress";

const POLL_MS = 1_000;
/** After this long, poll less often: a 10,000-event replay takes minutes and the tab may stay open. */
const SLOW_AFTER_MS = 2 * 60_000;
const SLOW_POLL_MS = 5_000;

export type ReplayRun = {
  replayId: string;
  progress: ReplayProgress;
  state: "running" | "finished" | "error";
  /** Who started it, when this page found it running rather than starting it. */
  startedBy?: string;
  error?: string;
};

const initial = (total: number): ReplayProgress => ({
  total,
  done: 0,
  succeeded: 0,
  failed: 0,
  pending: total,
  missing: 0,
  failedIds: [],
});

async function readJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

export function useReplayProgress(onFinished: (run: ReplayRun) => void) {
  const router = useRouter();
  const [run, setRun] = useState<ReplayRun | null>(null);
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });

  // A replay already running (started before a reload, or by another admin).
  useEffect(() => {
    let stopped = false;
    readJson<{ replays: BulkReplayView[] }>("/api/admin/replays?status=unfinished&limit=1")
      .then(({ replays }) => {
        const found = replays[0];
        if (stopped || !found) return;
        setRun(
          (r) =>
            r ?? {
              replayId: found.id,
              progress: found,
              state: found.status === "finished" ? "finished" : "running",
              startedBy: found.requestedBy,
            },
        );
      })
      .catch(() => undefined); // nothing to show; starting a replay still works
    return () => {
      stopped = true;
    };
  }, []);

  const start = useCallback((replayId: string, total: number) => {
    setRun({ replayId, progress: initial(total), state: total ? "running" : "finished" });
  }, []);
  const dismiss = useCallback(() => setRun(null), []);

  const running = run?.state === "running";
  const replayId = run?.replayId;
  const startedBy = run?.startedBy;
  useEffect(() => {
    if (!running || !replayId) return;
    let stopped = false;
    let lastDone = -1;
    const began = Date.now();
    const tick = async () => {
      let view: BulkReplayView;
      try {
        view = await readJson<BulkReplayView>(`/api/admin/replays/${replayId}`);
      } catch (err) {
        if (stopped) return;
        // The replay goes on without this page; say so and try again a little later.
        setRun((r) => (r ? { ...r, error: (err as Error).message } : r));
        timer = setTimeout(tick, SLOW_POLL_MS);
        return;
      }
      if (stopped) return;
      if (lastDone !== -1 && view.done !== lastDone) router.refresh();
      lastDone = view.done;
      const state = view.status === "finished" ? "finished" : "running";
      const next: ReplayRun = { replayId, progress: view, state, startedBy };
      setRun(next);
      if (state === "finished") {
        router.refresh();
        finished.current(next);
      } else timer = setTimeout(tick, Date.now() - began > SLOW_AFTER_MS ? SLOW_POLL_MS : POLL_MS);
    };
    let timer = setTimeout(tick, POLL_MS / 2);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running, replayId, startedBy, router]);

  return { run, start, dismiss };
}
