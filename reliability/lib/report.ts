// What a scenario answers, the checks it collects on the way, and the table the suite prints.
export type ScenarioResult = {
  name: string;
  ok: boolean;
  /** One line of counts for the table. */
  summary: string;
  /** Every check and measurement, printed under the table. */
  details: string[];
  durationMs?: number;
};

/** Collects pass/fail checks and notes; `result()` turns them into a ScenarioResult. */
export class Checks {
  readonly details: string[] = [];
  readonly failures: string[] = [];

  constructor(readonly name: string) {}

  check(ok: boolean, label: string): boolean {
    this.details.push(`${ok ? "ok  " : "FAIL"} ${label}`);
    if (!ok) this.failures.push(label);
    return ok;
  }

  /** Equality with both values in the label. */
  equal(actual: unknown, expected: unknown, label: string): boolean {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    return this.check(ok, ok ? `${label}: ${fmt(actual)}` : `${label}: ${fmt(actual)}, expected ${fmt(expected)}`);
  }

  note(label: string): void {
    this.details.push(`     ${label}`);
  }

  result(summary: string): ScenarioResult {
    return { name: this.name, ok: this.failures.length === 0, summary, details: this.details };
  }
}

const fmt = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function printTable(results: ScenarioResult[], heading: string): void {
  const rows = results.map((r) => [
    r.name,
    r.ok ? "pass" : "FAIL",
    r.durationMs === undefined ? "" : seconds(r.durationMs),
    r.summary,
  ]);
  const head = ["scenario", "result", "time", "counts"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ");
  console.log(`\n${heading}\n\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(line(r));
}

/** Runs `fn` over `items` with at most `concurrency` at once; stops taking new items once `stop()` is true. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  stop: () => boolean = () => false,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
