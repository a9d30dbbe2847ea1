// How the Latency page writes durations and rates: milliseconds below a second, seconds above.
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms).toLocaleString("en-US")} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(p: number): string {
  if (p > 0 && p < 0.1) return "<0.1%";
  return `${p.toFixed(p < 10 ? 1 : 0).replace(/\.0$/, "")}%`;
}
