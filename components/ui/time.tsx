"use client";
// An absolute time ("28 Nov 2026, 14:05") in the display time zone (components/ui/time-zone.ts), with
// the zone's abbreviation on hover and the exact instant in <time dateTime>. Server and hydrating render
// show UTC and say so; the browser then switches to its zone.
import { format } from "date-fns";
import { tz } from "@date-fns/tz";
import { useDisplayTimeZone } from "./time-zone";

export const DATE_TIME = "d MMM yyyy, HH:mm";
export const DATE_ONLY = "d MMM yyyy";

/** `date` in `zone` (UTC when the zone is not known yet). */
export function formatInZone(date: Date, pattern: string, zone: string | null) {
  return format(date, pattern, { in: tz(zone ?? "UTC") });
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
