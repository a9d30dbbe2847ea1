"use client";
// "3 minutes ago", with the exact local time on hover and in <time dateTime>. The server and the
// first (hydrating) render agree on an ISO title; the browser then switches to local time and
// keeps the relative text fresh.
import { useSyncExternalStore } from "react";
import { format, formatDistanceStrict } from "date-fns";

const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function RelativeTime({ date, className }: { date: Date | string | null | undefined; className?: string }) {
  const clientNow = useSyncExternalStore(
    subscribe,
    () => now,
    () => null,
  );
  if (!date) return <span className="text-slate-400">—</span>;
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return <span className="text-slate-400">—</span>;
  const base = clientNow ?? Date.now();
  const text = Math.abs(base - d.getTime()) < 45_000 ? "just now" : formatDistanceStrict(d, base, { addSuffix: true });
  const title = clientNow === null ? d.toISOString() : format(d, "EEE d MMM yyyy, HH:mm:ss (xxx)");
  return (
    <time dateTime={d.toISOString()} title={title} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
