// Per-source throttles for the public endpoints (rate-limiter-flexible, in memory: one process). A flood
// from one address gets 429 with Retry-After while other senders are served as usual. The address is
// the socket peer, or with TRUSTED_PROXY_HOPS the client the trusted proxies saw (./client-address.ts).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env";
import { clientAddress } from "./client-address";

type Bucket = "webhook" | "health" | "admin-auth-failure" | "app-api";

const limiters = new Map<Bucket, RateLimiterMemory>();

function limiter(bucket: Bucket): RateLimiterMemory {
  let l = limiters.get(bucket);
  if (!l) {
    const points =
      bucket === "webhook"
        ? env.WEBHOOK_RATE_LIMIT_PER_MINUTE
        : bucket === "health"
          ? 600
          : bucket === "app-api"
            ? APP_API_PER_MINUTE
            : 30;
    l = new RateLimiterMemory({ keyPrefix: bucket, points, duration: bucket === "admin-auth-failure" ? 300 : 60 });
    limiters.set(bucket, l);
  }
  return l;
}

/** Reads of the app API per token per minute (one process). */
export const APP_API_PER_MINUTE = 1200;

/** Counts a request; answers a 429 response when the source (or `key`, e.g. a token's hash) is over its limit. */
export async function throttle(bucket: Bucket, req: Request, key?: string): Promise<Response | null> {
  try {
    await limiter(bucket).consume(key ?? clientAddress(req.headers));
    return null;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    return Response.json(
      { error: `Too many requests from ${key ? "this token" : "this address"}: retry in ${seconds} s.` },
      { status: 429, headers: { "retry-after": String(seconds) } },
    );
  }
}

/** Whether this source already used up its failed admin-auth attempts (checked before the token). */
export async function adminAuthBlocked(req: Request): Promise<Response | null> {
  const state = await limiter("admin-auth-failure").get(clientAddress(req.headers));
  if (!state || state.consumedPoints < 30) return null;
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return Response.json(
    { error: `Too many failed authentications from this address: retry in ${seconds} s.` },
    { status: 429, headers: { "retry-after": String(seconds) } },
  );
}

export async function recordAdminAuthFailure(req: Request): Promise<void> {
  await limiter("admin-auth-failure")
    .consume(clientAddress(req.headers))
    .catch(() => {});
}

/** Tests: start from empty buckets. */
export function resetRateLimits(): void {
  limiters.clear();
}
