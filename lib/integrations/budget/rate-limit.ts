// Provider rate limits as the operator writes them: `<calls>/<window>`, e.g. `100/10s` (HubSpot Starter),
// `190/10s` (HubSpot Pro), `200/60s` or `200/1m` (Zendesk Team). No dependencies: lib/env.ts parses with it.
export type RateLimit = { max: number; windowMs: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "100/10s" → { max: 100, windowMs: 10000 }; undefined for anything else. */
export function parseRateLimit(value: string): RateLimit | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|sec|m|min|h)\s*$/i.exec(value);
  if (!m) return undefined;
  const max = Number(m[1]);
  const windowMs = Math.round(Number(m[2] ?? 1) * UNIT_MS[m[3]!.toLowerCase()]!);
  if (!Number.isSafeInteger(max) || max < 1 || max > 1_000_000 || !(windowMs >= 100) || windowMs > 86_400_000)
    return undefined;
  return { max, windowMs };
}

export function formatRateLimit(limit: RateLimit): string {
  return limit.windowMs % 1000 === 0 ? `${limit.max}/${limit.windowMs / 1000}s` : `${limit.max}/${limit.windowMs}ms`;
}
