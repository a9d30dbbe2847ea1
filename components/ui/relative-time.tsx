"use client";
// "3 minutes ago", with the exact time in the display time zone on hover and in <time dateTime>. The
// server and the first (hydrating) render agree on an ISO title; the browser then switches to its zone
// (or the one chosen on the Account page) and keeps the relative text fresh.
import { useSyncExternalStore } from "react";
import { formatDistanceStrict } from "date-fns";
import { useDisplayTimeZone } from "./time-zone";
import { formatInZone } from "./time";

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
  const zone = useDisplayTimeZone();
  // slate-500, not 400: the placeholder is text and needs its contrast too.
  if (!date) return <span className="text-slate-500">—</span>;
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return <span className="text-slate-500">—</span>;
  const base = clientNow ?? Date.now();
  const text = Math.abs(base - d.getTime()) < 45_000 ? "just now" : formatDistanceStrict(d, base, { addSuffix: true });
  const title =
    clientNow === null || zone === null
      ? d.toISOString()
      : `${formatInZone(d, "EEE d MMM yyyy, HH:mm:ss", zone)} ${formatInZone(d, "zzz", zone)}`;
  return (
    <time dateTime={d.toISOString()} title={title} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
