"use client";
// An absolute time ("28 Nov 2026, 14:05") in the display time zone (components/ui/time-zone.ts), with
// the zone's abbreviation on hover and the exact instant in <time dateTime>. Server and hydrating render
// show UTC and say so; the browser then switches to its zone.
import { format } from "date-fns";
import { TZDate, tz } from "@date-fns/tz";
import { useDisplayTimeZone } from "./time-zone";

export const DATE_TIME = "d MMM yyyy, HH:mm";
export const DATE_ONLY = "d MMM yyyy";

/** `date` in `zone` (UTC when the zone is not known yet). */
export function formatInZone(date: Date, pattern: string, zone: string | null) {
  return format(date, pattern, { in: tz(zone ?? "UTC") });
}

/**
 * A date filter's day in the display zone, from its URL value: an ISO time, or a bare date (a UTC day,
 * from older links) read as that day's first instant. "" when there is none.
 */
export function dayInZone(value: string, zone: string | null): string {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return Number.isNaN(at.getTime()) ? "" : formatInZone(at, "yyyy-MM-dd", zone);
}

/**
 * The UTC instant (ISO, what the server filters on) where a day picked in the display zone starts or
 * ends: 28 Nov in Paris starts at 2026-11-27T23:00:00.000Z.
 */
export function zoneDayBound(day: string, edge: "start" | "end", zone: string | null): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const at =
    edge === "start"
      ? new TZDate(y, mo, d, 0, 0, 0, 0, zone ?? "UTC")
      : new TZDate(y, mo, d, 23, 59, 59, 999, zone ?? "UTC");
  return Number.isNaN(at.getTime()) ? null : new Date(at.getTime()).toISOString();
}

export function Time({
  date,
  pattern = DATE_TIME,
  showZone = false,
  className,
}: {
  date: Date | string | null | undefined;
  /** A date-fns pattern; the default has minutes. */
  pattern?: string;
  /** Append the zone's short name ("CET", "GMT+2") to the text itself. */
  showZone?: boolean;
  className?: string;
}) {
  const zone = useDisplayTimeZone();
  if (!date) return <span className="text-slate-500">—</span>;
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return <span className="text-slate-500">—</span>;
  const zoneName = zone ? formatInZone(d, "zzz", zone) : "UTC";
  const text = formatInZone(d, pattern, zone);
  return (
    <time
      dateTime={d.toISOString()}
      title={`${formatInZone(d, "EEE d MMM yyyy, HH:mm:ss", zone)} ${zoneName}`}
      className={className}
      suppressHydrationWarning
    >
      {showZone ? `${text} ${zoneName}` : text}
    </time>
  );
}
