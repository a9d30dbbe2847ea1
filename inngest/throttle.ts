// The process-event function's throttle, mirroring the CRM provider's budget: HubSpot private apps allow
// 100 calls per rolling 10 s (Starter; 190 on Pro/Enterprise), and a pipeline run makes at most one HubSpot
// write (sync-crm), so starting at most that many runs per period keeps the whole deployment under the
// budget. `HUBSPOT_RATE_LIMIT` (`<calls>/<n>s|m`, e.g. `190/10s`) sets it; 100/10s otherwise.
//
// The throttle has no key on purpose: the budget belongs to the HubSpot account, not to a customer (a
// per-customer key would give every customer the whole budget). One customer's events stay in order through
// the concurrency key (`event.data.customerKey`, limit 1) and the throttle's FIFO queue.

export type ThrottleConfig = { limit: number; period: `${number}s` };

/** HubSpot Starter: 100 calls / rolling 10 s. */
export const DEFAULT_HUBSPOT_THROTTLE: ThrottleConfig = { limit: 100, period: "10s" };

/** Parses `100/10s`, `190/10s`, `600/1m`; anything else (or nothing) gives the default. */
export function throttleFromRateLimit(spec: string | undefined): ThrottleConfig {
  const m = spec?.trim().match(/^(\d+)\s*\/\s*(\d*)\s*(s|m)?$/i);
  if (!m) return DEFAULT_HUBSPOT_THROTTLE;
  const limit = Number(m[1]);
  const seconds = Number(m[2] || 1) * (m[3]?.toLowerCase() === "m" ? 60 : 1);
  // Inngest accepts a throttle period from 1 s to 7 days.
  if (!Number.isInteger(limit) || limit < 1 || seconds < 1 || seconds > 7 * 86_400) return DEFAULT_HUBSPOT_THROTTLE;
  return { limit, period: `${seconds}s` };
}
