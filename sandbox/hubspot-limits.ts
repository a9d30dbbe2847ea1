// HubSpot's rate limit as the sandbox enforces it, and HubSpot's error body.
import type { SandboxResponse } from "./http";
import { isRecord, uuid } from "./util";

/** `rateLimit`: when set, at most `max` API calls per rolling `windowMs` (HubSpot Starter: 100 per 10 s),
 * answering HubSpot's own 429 past that; null (the default) enforces nothing. */
export type RateLimitConfig = { max: number; windowMs: number };
export type HubspotConfig = { accessToken: string; searchLagMs: number; rateLimit: RateLimitConfig | null };

/** Validates a rateLimit patch: `{ max, windowMs }` with positive whole numbers, or null to switch it off. */
export function parseRateLimitConfig(value: unknown): RateLimitConfig | null {
  if (value === null || value === false) return null;
  if (
    isRecord(value) &&
    Number.isInteger(value.max) &&
    Number(value.max) > 0 &&
    Number.isInteger(value.windowMs) &&
    Number(value.windowMs) > 0
  )
    return { max: Number(value.max), windowMs: Number(value.windowMs) };
  throw new Error("rateLimit must be { max, windowMs } (positive whole numbers), or null to switch it off");
}

/** HubSpot's answer past the rolling ten-second limit: no Retry-After, only the X-HubSpot-RateLimit-* headers. */
export function rateLimited(limit: RateLimitConfig): SandboxResponse {
  return {
    ...hubspotError(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.", {
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
    }),
    headers: {
      "x-hubspot-ratelimit-max": String(limit.max),
      "x-hubspot-ratelimit-remaining": "0",
      "x-hubspot-ratelimit-interval-milliseconds": String(limit.windowMs),
    },
  };
}

export function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return { status, body: { status: "error", message, correlationId: uuid(), category, ...extra } };
}
