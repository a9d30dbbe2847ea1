"use client";
// Event volume per hour (recharts), for the overview: events that failed at least once show as failures
// even when a retry or a replay fixed them since ("recovered"), so a replay never erases a bad hour.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatInZone } from "@/components/ui/time";
import { useDisplayTimeZone } from "@/components/ui/time-zone";

export type VolumePoint = { hour: string; succeeded: number; recovered: number; failed: number; other: number };

export function VolumeChart({ data }: { data: VolumePoint[] }) {
  // Hours in the display time zone (UTC until the browser has hydrated and knows it).
  const zone = useDisplayTimeZone();
  const hourLabel = (iso: string) => formatInZone(new Date(iso), "HH:mm", zone);
  const zoneName = data.length > 0 ? formatInZone(new Date(data[0].hour), "zzz", zone) : "UTC";
  const total = data.reduce((s, d) => s + d.succeeded + d.recovered + d.failed + d.other, 0);
  const failed = data.reduce((s, d) => s + d.failed + d.recovered, 0);
  const recovered = data.reduce((s, d) => s + d.recovered, 0);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-5">
      <figcaption className="mb-3 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <span className="text-sm font-medium text-slate-700">Events per hour, last 24 hours ({zoneName})</span>
        <span className="text-sm text-slate-600">
          {total.toLocaleString("en-US")} event{total === 1 ? "" : "s"}, {failed.toLocaleString("en-US")} failed at
          least once
          {recovered > 0 ? ` (${recovered.toLocaleString("en-US")} recovered)` : ""}
        </span>
      </figcaption>
      <div
        className="h-56"
        role="img"
        aria-label={`Bar chart: ${total} events in the last 24 hours, ${failed} failed at least once, ${recovered} of them recovered.`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--color-slate-200)" />
            <XAxis
              dataKey="hour"
              tickFormatter={hourLabel}
              tick={{ fontSize: 12, fill: "var(--color-slate-500)" }}
              // Every Nth hour, N as small as the width allows without labels touching: every 2nd or 3rd
              // hour on a desktop, every 6th on a phone (a fixed step crowded the labels at 390 px).
              interval="equidistantPreserveStart"
              minTickGap={12}
            />
            <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "var(--color-slate-500)" }} />
            <Tooltip labelFormatter={(v) => `${hourLabel(String(v))} ${zoneName}`} />
            {/* The legend's text in the page's text colour: recharts paints it in each series' colour, under 3:1 for the grey. */}
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              formatter={(value) => <span className="text-slate-700">{value}</span>}
            />
            <Bar dataKey="succeeded" name="Succeeded" stackId="a" fill="var(--color-slate-700)" />
            <Bar dataKey="other" name="Waiting or ignored" stackId="a" fill="var(--color-slate-500)" />
            <Bar dataKey="recovered" name="Failed, then recovered" stackId="a" fill="var(--color-amber-600)" />
            <Bar dataKey="failed" name="Failed" stackId="a" fill="var(--color-red-600)" />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
