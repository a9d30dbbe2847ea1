"use client";
// p95 over time of the slowest steps (recharts, the overview chart's style), with the alert threshold as a
// dashed line: a step that crosses it is the one the "Slow step" alert names.
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { LatencySeries, LatencyWindow } from "@/db/queries/step-latency";
import { formatMs } from "./format";

// Distinct in both palettes (dark mode remaps these variables in app/globals.css).
const COLOURS = [
  "var(--color-indigo-600)",
  "var(--color-amber-500)",
  "var(--color-emerald-600)",
  "var(--color-slate-500)",
];

function tickLabel(window: LatencyWindow) {
  return (iso: string) => {
    const d = new Date(iso);
    if (window === "7d")
      return d.toLocaleDateString("en-GB", { weekday: "short", hour: "2-digit", timeZone: "UTC" }).replace(",", "");
    return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  };
}

export function P95Chart({
  series,
  labels,
  window,
  windowLabel,
  thresholdMs,
}: {
  series: LatencySeries[];
  /** Each series' step in words (stepLabel), same order. */
  labels: string[];
  window: LatencyWindow;
  windowLabel: string;
  thresholdMs: number;
}) {
  const data = (series[0]?.points ?? []).map((p, i) => {
    const row: Record<string, string | number | null> = { at: p.at };
    series.forEach((s, j) => {
      row[`s${j}`] = s.points[i]?.p95Ms ?? null;
    });
    return row;
  });
  const worst = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.p95Ms ?? 0)));
  const label = tickLabel(window);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-5">
      <figcaption className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <span className="text-sm font-medium text-slate-700">p95 of the slowest steps, {windowLabel} (UTC)</span>
        <span className="text-sm text-slate-600">Dashed line: alert threshold {formatMs(thresholdMs)}</span>
      </figcaption>
      <div
        className="h-64"
        role="img"
        aria-label={`Line chart of the p95 duration over the ${windowLabel} for ${labels.join(", ")}; the highest point is ${formatMs(worst)}, the alert threshold ${formatMs(thresholdMs)}.`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--color-slate-200)" />
            <XAxis
              dataKey="at"
              tickFormatter={label}
              tick={{ fontSize: 12, fill: "var(--color-slate-500)" }}
              minTickGap={24}
            />
            <YAxis
              tickFormatter={(v: number) => formatMs(v)}
              tick={{ fontSize: 12, fill: "var(--color-slate-500)" }}
              width={64}
              domain={[0, (max: number) => Math.max(max, thresholdMs) * 1.1]}
            />
            <Tooltip
              labelFormatter={(v) => `${label(String(v))} UTC`}
              formatter={(v) => (typeof v === "number" ? formatMs(v) : "no attempts")}
            />
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              formatter={(value) => <span className="text-slate-700">{value}</span>}
            />
            <ReferenceLine
              y={thresholdMs}
              stroke="var(--color-red-600)"
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
            />
            {series.map((s, j) => (
              <Line
                key={s.step}
                type="monotone"
                dataKey={`s${j}`}
                name={labels[j]}
                stroke={COLOURS[j % COLOURS.length]}
                strokeWidth={2}
                // Dots: a step that ran in one span only is one point, and a line needs two.
                dot={{ r: 3, strokeWidth: 0, fill: COLOURS[j % COLOURS.length] }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
