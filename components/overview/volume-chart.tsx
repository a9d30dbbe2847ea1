"use client";
// Event volume per hour with failures on top (recharts), for the overview.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type VolumePoint = { hour: string; succeeded: number; failed: number; other: number };

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

export function VolumeChart({ data }: { data: VolumePoint[] }) {
  const total = data.reduce((s, d) => s + d.succeeded + d.failed + d.other, 0);
  const failed = data.reduce((s, d) => s + d.failed, 0);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-5">
      <figcaption className="mb-3 flex items-baseline justify-between">
        <span className="text-sm font-medium text-slate-700">Events per hour, last 24 hours (UTC)</span>
        <span className="text-sm text-slate-500">
          {total.toLocaleString("en-US")} events, {failed.toLocaleString("en-US")} failed
        </span>
      </figcaption>
      <div
        className="h-56"
        role="img"
        aria-label={`Bar chart: ${total} events in the last 24 hours, ${failed} failed.`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="hour" tickFormatter={hourLabel} tick={{ fontSize: 12, fill: "#64748b" }} interval={3} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "#64748b" }} />
            <Tooltip labelFormatter={(v) => `${hourLabel(String(v))} UTC`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="succeeded" name="Succeeded" stackId="a" fill="#334155" />
            <Bar dataKey="other" name="Waiting or ignored" stackId="a" fill="#94a3b8" />
            <Bar dataKey="failed" name="Failed" stackId="a" fill="#dc2626" />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
