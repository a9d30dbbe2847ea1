// Percentiles and the table the benchmark prints.
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export type Row = {
  section: string;
  metric: string;
  value: number | string;
  unit?: string;
  target?: string;
  ok?: boolean;
};

export function printTable(rows: Row[]): void {
  const fmt = (v: number | string) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v);
  const cells = rows.map((r) => [
    r.section,
    r.metric,
    `${fmt(r.value)}${r.unit ? ` ${r.unit}` : ""}`,
    r.target ?? "",
    r.ok === undefined ? "" : r.ok ? "met" : "MISSED",
  ]);
  const head = ["section", "metric", "value", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join("  ");
  console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const c of cells) console.log(line(c));
}
